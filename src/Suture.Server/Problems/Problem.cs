using Microsoft.AspNetCore.Http.HttpResults;
using Suture.Protocol;

namespace Suture.Server.Problems;

/// <summary>ProblemDetails answers with Suture's problem types (docs/protocol.md#errors).</summary>
internal static class Problem
{
    public static ProblemHttpResult Of(int status, string type, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type);

    public static ProblemHttpResult Invalid(string detail) => Of(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Invalid request", detail);

    public static ProblemHttpResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found", detail);

    public static ProblemHttpResult Conflict(string detail) => Of(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict", detail);

    /// <summary>The problem type the status-code pages give an empty error answer of this status.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => ProblemTypes.Malformed,
        401 => ProblemTypes.Unauthorized,
        403 => ProblemTypes.Forbidden,
        404 => ProblemTypes.NotFound,
        405 => ProblemTypes.MethodNotAllowed,
        409 => ProblemTypes.Conflict,
        413 => ProblemTypes.TooLarge,
        415 => ProblemTypes.UnsupportedMediaType,
        429 => ProblemTypes.RateLimited,
        >= 500 => ProblemTypes.Internal,
        _ => "about:blank",
    };
}
