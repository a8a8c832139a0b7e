using System.IO.MemoryMappedFiles;

namespace Suture.Bench;

/// <summary>
/// The harness side of bench/targets/shm.h: a 4 KiB file in /dev/shm mapped by both. The target
/// polls it with plain loads, so controlling a window costs the measured thread no system call.
/// </summary>
internal sealed unsafe class ControlBlock : IDisposable
{
    // Field indexes (8 bytes each), in the order of struct bench_shm.
    private const int Ready = 0, ResetReq = 1, ResetAck = 2, SampleReq = 3, SampleAck = 4, MaxGap = 5, Stops = 6,
        StoppedNs = 7, Iterations = 8, CallsReq = 9, CallsAck = 10, DirectPs = 11, IndirectPs = 12, Quit = 14;

    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* block;

    private ControlBlock(string path)
    {
        FilePath = path;
        File.WriteAllBytes(path, new byte[4096]);
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 4096, MemoryMappedFileAccess.ReadWrite);
        view = file.CreateViewAccessor(0, 4096, MemoryMappedFileAccess.ReadWrite);
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        block = p + view.PointerOffset;
    }

    public string FilePath { get; }

    public static ControlBlock Create(string name) => new($"/dev/shm/suture-bench-{Environment.ProcessId}-{name}");

    public void WaitReady(Target target)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Read(Ready) == 0)
        {
            if (target.HasExited)
            {
                throw new BenchException($"target {target.Name} exited before it was ready: {target.Errors}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new BenchException($"target {target.Name} not ready after 30 s");
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Starts a window: the target forgets the longest gap so far.</summary>
    public void Reset() => Handshake(ResetReq, ResetAck, 10);

    /// <summary>Ends a window: the longest gap, the gaps over 20 µs and their sum, in ns.</summary>
    public (ulong MaxGapNs, ulong Stops, ulong StoppedNs) Sample()
    {
        Handshake(SampleReq, SampleAck, 10);
        return (Read(MaxGap), Read(Stops), Read(StoppedNs));
    }

    public ulong Iteration => Read(Iterations);

    /// <summary>Asks the overhead target to time its call loops; picoseconds per call.</summary>
    public (ulong DirectPs, ulong IndirectPs) TimeCalls()
    {
        Handshake(CallsReq, CallsAck, 60);
        return (Read(DirectPs), Read(IndirectPs));
    }

    public void Dispose()
    {
        Write(Quit, 1);
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        file.Dispose();
        File.Delete(FilePath);
    }

    private void Handshake(int request, int ack, double timeoutSeconds)
    {
        ulong seq = Read(request) + 1;
        Write(request, seq);
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        var spin = new SpinWait();
        while (Read(ack) != seq)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new BenchException($"target did not answer within {timeoutSeconds} s");
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private ulong Read(int index) => Volatile.Read(ref *(ulong*)(block + (index * 8)));

    private void Write(int index, ulong value) => Volatile.Write(ref *(ulong*)(block + (index * 8)), value);
}
