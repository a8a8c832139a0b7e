namespace Suture.Process.Memory;

/// <summary>One line of /proc/PID/maps.</summary>
public sealed record MemoryMapping(
    ulong Start,
    ulong End,
    string Permissions,
    ulong Offset,
    string Device,
    ulong Inode,
    string Path)
{
    public ulong Size => End - Start;

    public bool IsReadable => Permissions[0] == 'r';

    public bool IsWritable => Permissions[1] == 'w';

    public bool IsExecutable => Permissions[2] == 'x';

    /// <summary>True for mappings of a file (inode set), not anonymous memory or [stack]/[vdso].</summary>
    public bool IsFile => Inode != 0 && Path.StartsWith('/');

    public bool Contains(ulong address) => address >= Start && address < End;

    /// <summary>The /proc/PID/map_files entry that opens the mapped file, even deleted or in another mount namespace.</summary>
    public string MapFilesPath(int pid) => $"/proc/{pid}/map_files/{Start:x}-{End:x}";
}
