using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Suture.Server.Problems;

namespace Suture.Server.Reports;

/// <summary>
/// Pages of a JSON report's long list (hosts, a CVE's hosts, a patch's processes): <c>?offset=&amp;limit=</c>,
/// at most <see cref="MaxLimit"/> rows a page (<see cref="DefaultLimit"/> without a limit). The answer
/// names the whole list's length in <c>Suture-Total-Count</c> and the next page in a <c>Link: &lt;…&gt;;
/// rel="next"</c> header (RFC 8288), absent on the last page. CSV answers are never paged. The host
/// reports page in the database (<see cref="ReportData.LoadHostPageAsync"/>, <see cref="Headers"/>);
/// the others cut the page from the computed report.
/// </summary>
internal static class Paging
{
    public const int DefaultLimit = 1000;

    public const int MaxLimit = 10_000;

    public const string TotalHeader = "Suture-Total-Count";

    public static ProblemHttpResult? Check(int? offset, int? limit) =>
        offset is < 0 ? Problem.Invalid($"offset: {offset} is below 0")
        : limit is < 1 or > MaxLimit ? Problem.Invalid($"limit: {limit} is not from 1 to {MaxLimit}; follow the answer's Link header (rel=\"next\") for the rest, or ask for CSV (?format=csv), which is not paged")
        : null;

    /// <summary>The page of <paramref name="rows"/> the request asks for, with the paging headers set.</summary>
    public static IReadOnlyList<T> Page<T>(HttpContext http, IReadOnlyList<T> rows, int? offset, int? limit)
    {
        (int from, int take) = Headers(http, rows.Count, offset, limit);
        return from == 0 && take >= rows.Count ? rows : [.. rows.Skip(from).Take(take)];
    }

    /// <summary>Sets the paging headers for a list of <paramref name="total"/> rows; the page's first row and length.</summary>
    public static (int From, int Take) Headers(HttpContext http, int total, int? offset, int? limit)
    {
        int from = Math.Min(offset ?? 0, total);
        int take = limit ?? DefaultLimit;
        http.Response.Headers[TotalHeader] = total.ToString(CultureInfo.InvariantCulture);
        if ((long)from + take < total)
        {
            var query = http.Request.Query
                .Where(q => q.Key is not ("offset" or "limit"))
                .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                .Append(new("offset", (from + take).ToString(CultureInfo.InvariantCulture)))
                .Append(new("limit", take.ToString(CultureInfo.InvariantCulture)));
            string next = QueryHelpers.AddQueryString((http.Request.PathBase + http.Request.Path).ToString(), query);
            http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }

        return (from, take);
    }
}
