using System.Text;
using Suture.Elf;

namespace Suture.Kernel.Loading;

/// <summary>The <c>.modinfo</c> fields of a module file (<c>name</c>, <c>livepatch</c>, <c>suture_id</c>, ...).</summary>
internal static class ModuleInfo
{
    public static Dictionary<string, string> Read(string path) => Read(ReadFile(path), path);

    /// <summary>The whole module file (with any signatures).</summary>
    public static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SutureException(File.Exists(path)
                ? $"{path}: cannot read it: {e.Message.TrimEnd('.')}"
                : $"{path}: no such file (a livepatch module built by suture kernel build)", ExitCode.Usage, e);
        }
    }

    /// <summary>The fields of the module <paramref name="image"/> (read from <paramref name="path"/>).</summary>
    public static Dictionary<string, string> Read(byte[] image, string path)
    {
        ElfFile elf;
        try
        {
            elf = ElfFile.Read(image, path);
        }
        catch (ElfFormatException e)
        {
            throw new SutureException($"{path}: not a kernel module: {e.Message}", ExitCode.CorruptPatch, e);
        }

        ElfSection modinfo = elf.FindSection(".modinfo")
            ?? throw new SutureException($"{path}: not a kernel module (no .modinfo section)", ExitCode.CorruptPatch);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string entry in Encoding.UTF8.GetString(modinfo.Data.Span).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields.TryAdd(entry[..equals], entry[(equals + 1)..]);
            }
        }

        if (!fields.ContainsKey("name"))
        {
            throw new SutureException($"{path}: the module names itself nowhere (no name= in .modinfo)", ExitCode.CorruptPatch);
        }

        return fields;
    }
}
