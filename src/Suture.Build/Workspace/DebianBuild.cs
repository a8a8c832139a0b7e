using System.Text.RegularExpressions;

namespace Suture.Build.Workspace;

/// <summary>
/// A <c>dpkg-buildpackage</c> build runs in the work trees only as far as suture needs it: up to
/// <c>debian/rules build</c> (<c>--rules-target=build</c>: configure and compile, with the
/// build flags dpkg-buildpackage sets up), without the test suite (<c>DEB_BUILD_OPTIONS=nocheck</c>,
/// which Debian policy says must not change what is built) and without installing, stripping and
/// compressing the binary packages, which the patch does not use. The compiled objects and
/// linked outputs are the ones the full build makes.
/// </summary>
internal static partial class DebianBuild
{
    /// <summary>The command and extra environment to run in a work tree for <paramref name="command"/>; unchanged for other builds.</summary>
    public static (string Command, IReadOnlyDictionary<string, string> Environment, string? Note) Adapt(string command)
    {
        if (!Invocation().IsMatch(command) || RulesTarget().IsMatch(command) || command.Contains("&&", StringComparison.Ordinal) || command.Contains(';', StringComparison.Ordinal))
        {
            return (command, new Dictionary<string, string>(), null);
        }

        string options = System.Environment.GetEnvironmentVariable("DEB_BUILD_OPTIONS") ?? "";
        string withNocheck = options.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("nocheck") ? options : (options + " nocheck").Trim();
        return (command.TrimEnd() + " --rules-target=build", new Dictionary<string, string> { ["DEB_BUILD_OPTIONS"] = withNocheck },
            "dpkg-buildpackage runs up to debian/rules build in the work trees (--rules-target=build, DEB_BUILD_OPTIONS=nocheck): the binary packages and the test suite are not needed for the patch");
    }

    [GeneratedRegex(@"^\s*(\S*/)?dpkg-buildpackage(\s|$)")]
    private static partial Regex Invocation();

    [GeneratedRegex(@"(\s-T\S*|\s--rules-target\b|\s-S\b|\s--build=source\b)")]
    private static partial Regex RulesTarget();
}
