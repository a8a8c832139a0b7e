using Suture.Server.Data;
using Suture.Server.Reports;

namespace Suture.Server.Web.Pages.Cves;

/// <summary>Coverage of every CVE the patches name.</summary>
internal sealed class CvesModel(ServerDb db, TimeProvider time) : WebPage(time)
{
    public IReadOnlyList<CveCoverage> Cves { get; private set; } = [];

    public async Task OnGetAsync() => Cves = (await Coverage.LoadAsync(db, HttpContext.RequestAborted)).All();
}
