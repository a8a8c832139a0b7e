using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Suture.Process.Memory;

/// <summary>
/// Reads and writes a process's memory through /proc/PID/mem: bulk transfers, and writes that go
/// through page protection (read-execute text), as the kernel allows for a ptrace-capable caller.
/// </summary>
public sealed class ProcessMemory : IDisposable
{
    private readonly SafeFileHandle _handle;

    private ProcessMemory(int pid, SafeFileHandle handle)
    {
        Pid = pid;
        _handle = handle;
    }

    public int Pid { get; }

    public static ProcessMemory Open(int pid, bool writable)
    {
        string path = $"/proc/{pid}/mem";
        try
        {
            return new ProcessMemory(pid, File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SutureException($"no process with pid {pid}", ExitCode.NoSuchProcess, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SutureException($"permission denied opening the memory of process {pid}: {Tracing.TraceDenial.Explain(pid)}", ExitCode.PermissionDenied, e);
        }
        catch (IOException e)
        {
            // ESRCH for kernel threads and processes exiting right now.
            throw new SutureException($"cannot open the memory of process {pid}: {e.Message}", ExitCode.NoSuchProcess, e);
        }
    }

    public void Read(ulong address, Span<byte> destination)
    {
        if (!TryRead(address, destination))
        {
            throw new SutureException($"could not read {destination.Length} bytes at 0x{address:x} in process {Pid}");
        }
    }

    public byte[] Read(ulong address, int length)
    {
        byte[] buffer = new byte[length];
        Read(address, buffer);
        return buffer;
    }

    /// <summary>The 8-byte little-endian word at <paramref name="address"/> (a pointer, a GOT slot), or null when it cannot be read.</summary>
    public ulong? TryReadWord(ulong address)
    {
        Span<byte> word = stackalloc byte[8];
        return TryRead(address, word) ? BinaryPrimitives.ReadUInt64LittleEndian(word) : null;
    }

    /// <summary>False when any byte cannot be read, including addresses no process can map (above the largest file offset); never throws for an address.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (address > (ulong)long.MaxValue - (ulong)destination.Length)
        {
            return false;
        }

        try
        {
            int total = 0;
            while (total < destination.Length)
            {
                int read = RandomAccess.Read(_handle, destination[total..], checked((long)address + total));
                if (read <= 0)
                {
                    return false;
                }

                total += read;
            }

            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Write(ulong address, ReadOnlySpan<byte> source)
    {
        try
        {
            RandomAccess.Write(_handle, source, checked((long)address));
        }
        catch (IOException e)
        {
            throw new SutureException($"could not write {source.Length} bytes at 0x{address:x} in process {Pid}: {e.Message}", ExitCode.Failure, e);
        }
    }

    public void Dispose() => _handle.Dispose();
}
