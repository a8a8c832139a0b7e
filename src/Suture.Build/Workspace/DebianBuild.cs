using System.Text.RegularExpressions;

namespace Suture.Build.Workspace;

/// <summary>
/// A <c>dpkg-buildpackage</c> build runs in the work trees only as far as suture needs it: up to
/// the <c>debian/rules</c> build target of the packages it builds (<c>--rules-target=build</c>:
/// configure and compile, with the build flags dpkg-buildpackage sets up; <c>build-arch</c> for
/// <c>-B</c>/<c>--build=any</c>, which the full build would run instead of <c>build</c>, so
/// the architecture-independent part, such as documentation, is not built; <c>build-indep</c> for
/// <c>-A</c>/<c>--build=all</c>), without the test suite (<c>DEB_BUILD_OPTIONS=nocheck</c>,
/// which Debian policy says must not change what is built) and without installing, stripping and
/// compressing the binary packages, which the patch does not use. The compiled objects and
/// linked outputs are the ones the full build makes.
/// </summary>
internal static partial class DebianBuild
{
    /// <summary>The wrapper makefile of <see cref="Adapt"/>, beside the work tree (each tree has a parent of its own).</summary>
    internal const string RulesWrapperName = "suture-rules.mk";

    /// <summary>
    /// The command and extra environment to run in a work tree for <paramref name="command"/>; unchanged for other builds.
    /// <para>
    /// When the tree has a file or directory named like the build target (jq's source has an empty
    /// <c>build/</c>), <c>debian/rules build</c> is "up to date" and does nothing (dh's
    /// <c>%:</c> rule is only tried for a target whose file is missing); dpkg-buildpackage's full
    /// build still builds everything, in <c>debian/rules binary</c>, whose dh sequence includes the
    /// build steps. The work tree then runs the target through a wrapper makefile beside the tree
    /// (<see cref="RulesWrapperName"/>, written here when <paramref name="tree"/> is given) that makes
    /// the target depend on one that is always new and includes <c>debian/rules</c>; the wrapper
    /// is the rules file (<c>--rules-file</c>) of the top-level make only, so no sub-make sees it.
    /// </para>
    /// </summary>
    public static (string Command, IReadOnlyDictionary<string, string> Environment, string? Note) Adapt(string command, string? tree = null)
    {
        if (!Invocation().IsMatch(command) || RulesTarget().IsMatch(command) || command.Contains("&&", StringComparison.Ordinal) || command.Contains(';', StringComparison.Ordinal))
        {
            return (command, new Dictionary<string, string>(), null);
        }

        string options = System.Environment.GetEnvironmentVariable("DEB_BUILD_OPTIONS") ?? "";
        string withNocheck = options.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("nocheck") ? options : (options + " nocheck").Trim();
        string target = BuildTarget(command);
        var environment = new Dictionary<string, string> { ["DEB_BUILD_OPTIONS"] = withNocheck };
        string note = $"dpkg-buildpackage runs up to debian/rules {target} in the work trees (--rules-target={target}, DEB_BUILD_OPTIONS=nocheck): the binary packages and the test suite are not needed for the patch";
        string adapted = command.TrimEnd() + " --rules-target=" + target;
        if (tree is null || RulesFile().IsMatch(command) || !(File.Exists(Path.Combine(tree, target)) || Directory.Exists(Path.Combine(tree, target))))
        {
            return (adapted, environment, note);
        }

        string wrapper = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(tree))!, RulesWrapperName);
        File.WriteAllText(wrapper, $"# suture: debian/rules {target}, run although the tree has a file named {target}\n{target}: suture-run-target\nsuture-run-target: ;\ninclude debian/rules\n");
        return (adapted + " --rules-file='make -f " + wrapper + "'", environment,
            note + $"; the tree has a {(Directory.Exists(Path.Combine(tree, target)) ? "directory" : "file")} named {target}, so debian/rules {target} alone would do nothing ('{target}' is up to date; the full build builds in debian/rules binary): the work trees run it through {RulesWrapperName}, which makes {target} depend on a target that is always new");
    }

    /// <summary>
    /// The build target dpkg-buildpackage would run for the command's build type: <c>build-arch</c>
    /// for architecture-dependent packages only (<c>-B</c>, <c>--build=any</c>), <c>build-indep</c>
    /// for architecture-independent ones only (<c>-A</c>, <c>--build=all</c>), else <c>build</c>.
    /// </summary>
    internal static string BuildTarget(string command)
    {
        string? type = null;
        foreach (string word in command.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            type = word switch
            {
                "-B" => "any",
                "-A" => "all",
                "-b" => "binary",
                "-F" => "full",
                "-G" => "source,any",
                "-g" => "source,all",
                _ when word.StartsWith("--build=", StringComparison.Ordinal) => word["--build=".Length..],
                _ => type,
            };
        }

        string[] parts = (type ?? "full").Split(',', StringSplitOptions.RemoveEmptyEntries);
        bool any = parts.Contains("any") || parts.Contains("binary") || parts.Contains("full");
        bool all = parts.Contains("all") || parts.Contains("binary") || parts.Contains("full");
        return any && !all ? "build-arch" : all && !any ? "build-indep" : "build";
    }

    [GeneratedRegex(@"^\s*(\S*/)?dpkg-buildpackage(\s|$)")]
    private static partial Regex Invocation();

    [GeneratedRegex(@"(\s-T\S*|\s--rules-target\b|\s-S\b|\s--build=source\b)")]
    private static partial Regex RulesTarget();

    [GeneratedRegex(@"(\s-R\S*|\s--rules-file\b)")]
    private static partial Regex RulesFile();
}
