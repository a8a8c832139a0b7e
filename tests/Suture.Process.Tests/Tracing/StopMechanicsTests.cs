using System.Buffers.Binary;
using System.Text;
using Suture.Native;
using Suture.Process.Tracing;
using Suture.TestSupport;

namespace Suture.Process.Tests.Tracing;

/// <summary>
/// What a stop does while it holds the threads, kept short: the thread list read with getdents64
/// (<see cref="NumberedEntries"/>), and the stop log (SUTURE_STOP_LOG) that tells suture's own
/// share of a frozen time.
/// </summary>
public sealed class StopMechanicsTests
{
    private const string Source = """
        #include <pthread.h>
        #include <stdio.h>
        #include <sys/wait.h>
        #include <unistd.h>
        static void *sleeper(void *arg) { (void)arg; for (;;) usleep(5000); return NULL; }
        int main(void)
        {
            setvbuf(stdout, NULL, _IOLBF, 0);
            pid_t child = fork();
            if (child > 0) {
                int status;
                waitpid(child, &status, 0);
                return 0;
            }
            pthread_t t;
            for (int i = 0; i < 3; i++) pthread_create(&t, NULL, sleeper, NULL);
            printf("pid %d\n", (int)getpid());
            for (;;) usleep(5000);
        }
        """;

    [Fact]
    public void The_thread_list_is_the_task_directory_and_empty_for_a_pid_that_does_not_exist()
    {
        using var directory = new TempDirectory();
        using var program = RunningProgram.Start(Gcc.Compile(Source, directory.File("sleepers"), "-pthread"));
        int pid = TargetPid(program);
        int[] expected = Directory.GetDirectories($"/proc/{pid}/task").Select(p => int.Parse(Path.GetFileName(p), System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(4, expected.Length);
        Assert.Equal(expected, ThreadList.Read(pid).Order().ToArray());
        Assert.Empty(ThreadList.Read(int.MaxValue));
        Assert.Null(NumberedEntries.Read("/proc/self/no-such-directory"));
    }

    [Fact]
    public void Directory_records_give_their_positive_decimal_names_only()
    {
        var records = new List<byte>();
        foreach (string name in new[] { ".", "..", "1234", "abc", "0", "12a", "99999", "1234567890" })
        {
            records.AddRange(Record(name));
        }

        var numbers = new List<int>();
        NumberedEntries.Parse(records.ToArray(), numbers);
        Assert.Equal([1234, 99999], numbers);

        numbers.Clear();
        NumberedEntries.Parse(records.ToArray().AsSpan(0, records.Count - 3), numbers); // a cut last record is left out
        Assert.Equal([1234, 99999], numbers);
    }

    [Fact]
    public void With_the_stop_log_set_each_stop_appends_how_long_it_held_the_threads()
    {
        using var directory = new TempDirectory();
        string exe = Gcc.Compile(Source, directory.File("sleepers"), "-pthread");
        string log = directory.File("stops.log");
        using var program = RunningProgram.Start(exe);
        int pid = TargetPid(program);
        using var tracer = new Tracer();
        Environment.SetEnvironmentVariable(StopLog.EnvironmentVariable, log);
        try
        {
            tracer.Run(() =>
            {
                using StoppedProcess all = StoppedProcess.Stop(pid);
                Assert.Equal(4, all.Threads.Count());
            });
            tracer.Run(() =>
            {
                using StoppedProcess one = StoppedProcess.StopOneThread(pid);
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable(StopLog.EnvironmentVariable, null);
        }

        string[] mine = File.ReadAllLines(log).Where(l => l.StartsWith($"stop pid={pid} ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, mine.Length);
        Assert.Contains("kind=all threads=4 ", mine[0], StringComparison.Ordinal);
        Assert.Contains("kind=one threads=1 ", mine[1], StringComparison.Ordinal);
        foreach (string entry in mine)
        {
            Dictionary<string, long> fields = entry.Split(' ').Skip(1).Select(f => f.Split('=')).Where(f => long.TryParse(f[1], out _)).ToDictionary(f => f[0], f => long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(fields["held_us"] >= fields["working_us"] && fields["working_us"] >= 0, entry);
            Assert.True(fields["cpu_us"] >= 0 && fields["sleeps"] >= 0, entry);
        }
    }

    private static byte[] Record(string name)
    {
        int length = (19 + Encoding.ASCII.GetByteCount(name) + 1 + 7) & ~7;
        byte[] record = new byte[length];
        BinaryPrimitives.WriteUInt64LittleEndian(record, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(16), (ushort)length);
        record[18] = 4; // DT_DIR
        Encoding.ASCII.GetBytes(name, record.AsSpan(19));
        return record;
    }

    private static int TargetPid(RunningProgram program)
    {
        int line = program.WaitForLine(l => l.StartsWith("pid ", StringComparison.Ordinal));
        int pid = int.Parse(program.Lines(line)[0][4..], System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Directory.GetDirectories($"/proc/{pid}/task").Length < 4 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5); // the threads are created before the line is printed; a deadline all the same
        }

        return pid;
    }
}
