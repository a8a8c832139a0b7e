using Suture.Server.Reports;

namespace Suture.Server.Web;

/// <summary>How the pages name and colour a host's <see cref="CveState"/>.</summary>
internal static class CveStateView
{
    public static string Label(CveState state) => state switch
    {
        CveState.Fixed => "fixed",
        CveState.Partial => "partly fixed",
        CveState.Vulnerable => "vulnerable",
        CveState.NotAffected => "not affected",
        _ => "no inventory yet",
    };

    /// <summary>The CSS class of a state, in tables and the chart.</summary>
    public static string Css(CveState state) => state switch
    {
        CveState.Fixed => "fixed",
        CveState.Partial => "partial",
        CveState.Vulnerable => "vulnerable",
        CveState.NotAffected => "unaffected",
        _ => "unknown",
    };
}
