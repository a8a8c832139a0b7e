using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Suture.Protocol;

namespace Suture.Server.Problems;

/// <summary>
/// Turns exceptions into ProblemDetails: a bad request (malformed JSON, a body over the limit, a
/// wrong parameter) into its 4xx with the reason; anything else into a 500 that names no internals
/// (logged in full). The unit of work never committed, so nothing changed.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (int status, string type, string title, string detail) = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } e => (413, ProblemTypes.TooLarge, "Request too large", e.Message),
            BadHttpRequestException e => (e.StatusCode, ProblemTypes.Malformed, "Malformed request", Describe(e)),
            JsonException e => (400, ProblemTypes.Malformed, "Malformed request", "the body is not valid JSON for this request: " + e.Message),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "about:blank", "Client closed request", "the client went away"),
            _ => (500, ProblemTypes.Internal, "Internal error", "the server failed to handle the request; nothing was changed (the server log has the details)"),
        };
        if (status >= 500)
        {
            log.LogError(exception, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Type = type, Title = title, Detail = detail },
        });
    }

    private static string Describe(BadHttpRequestException e) =>
        e.InnerException is JsonException json ? $"{e.Message} ({json.Message})" : e.Message;
}
