using Microsoft.AspNetCore.Mvc;
using Suture.Server.Audit;
using Suture.Server.Data;
using Suture.Server.Feeds;

namespace Suture.Server.Web.Pages;

/// <summary>
/// The deployment actions of the feed and patch pages (a form posts here, then the browser goes
/// back). Each calls the same code as the REST API's deployment endpoints, so the web UI and the
/// API change, validate and audit alike.
/// </summary>
internal sealed class DeployModel(ServerDb db, AuditLog audit, TimeProvider time) : WebPage(time)
{
    public IActionResult OnGet() => Redirect("/feeds");

    public async Task<IActionResult> OnPostAsync(string? feed, string? sha256, string? buildId, string? operation, string? back)
    {
        string target = Url.IsLocalUrl(back) ? back! : "/feeds";
        if (Refused())
        {
            return Page();
        }

        if (string.IsNullOrEmpty(feed) || string.IsNullOrEmpty(sha256) || string.IsNullOrEmpty(buildId))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error("feed, patch and build id are required: use the buttons of a feed's or a patch's page");
            return Page();
        }

        var c = new DeploymentEndpoints.Ctx(db, audit, Clock, HttpContext);
        IResult result;
        string done;
        switch (operation)
        {
            case "enable":
                result = (await DeploymentEndpoints.ChangeAsync(feed, sha256, DeploymentEndpoints.Operation.Enable, c)).Result;
                done = "approved";
                break;
            case "enable-up-to":
                result = (await DeploymentEndpoints.ChangeAsync(feed, sha256, DeploymentEndpoints.Operation.EnableUpTo, c)).Result;
                done = "approved with every level below it";
                break;
            case "disable":
                result = (await DeploymentEndpoints.ChangeAsync(feed, sha256, DeploymentEndpoints.Operation.Disable, c)).Result;
                done = "disabled (hosts running it keep it)";
                break;
            case "undeploy-down-to":
                result = (await DeploymentEndpoints.ChangeAsync(feed, sha256, DeploymentEndpoints.Operation.UndeployDownTo, c)).Result;
                done = "kept; every level above it undeployed (hosts revert at their next check-in)";
                break;
            case "undeploy-object":
                result = (await DeploymentEndpoints.UndeployObjectAsync(feed, buildId, c)).Result;
                done = "undeployed with every level of its object (hosts revert to the original code at their next check-in)";
                break;
            default:
                Response.StatusCode = StatusCodes.Status400BadRequest;
                Error($"operation '{operation}': not one of enable, enable-up-to, disable, undeploy-down-to, undeploy-object");
                return Page();
        }

        if (ProblemOf(result) is { } problem)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            Error(problem);
            return Page();
        }

        Flash($"feed {feed}: patch {WebPage.Short(sha256)} {done}");
        return LocalRedirect(target);
    }
}
