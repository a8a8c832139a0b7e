namespace Suture.TestSupport;

/// <summary>Compiles C test programs with the machine's gcc so fixtures follow its toolchain.</summary>
public static class Gcc
{
    /// <summary>Writes <paramref name="source"/> next to <paramref name="output"/> and compiles it.</summary>
    public static string Compile(string source, string output, params string[] flags)
    {
        string sourcePath = Path.ChangeExtension(output, ".c");
        if (sourcePath == output)
        {
            sourcePath = output + ".src.c";
        }

        File.WriteAllText(sourcePath, source);
        var arguments = new List<string>(flags) { "-o", output, sourcePath };
        ToolResult result = Tool.Run("gcc", arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc {string.Join(' ', arguments)} failed:\n{result.Stderr}");
        }

        return output;
    }
}
