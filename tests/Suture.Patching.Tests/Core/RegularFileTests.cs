using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Suture.IO;
using Suture.TestSupport;

namespace Suture.Patching.Tests.Core;

public sealed class RegularFileTests : IDisposable
{
    private readonly TempDirectory directory = new("suture-regular-file");

    public void Dispose() => directory.Dispose();

    [Fact]
    public void Flags_and_stat_layout_match_the_C_headers()
    {
        const string source = """
            #define _GNU_SOURCE
            #include <errno.h>
            #include <fcntl.h>
            #include <stddef.h>
            #include <stdio.h>
            #include <sys/stat.h>
            int main(void)
            {
                printf("%d %d %d %d %d %zu %zu %d %d %d %d\n", O_RDONLY, O_NONBLOCK, O_CLOEXEC, O_NOCTTY, ENOENT,
                       sizeof(struct stat), offsetof(struct stat, st_mode), O_WRONLY, O_CREAT, O_TRUNC, EINTR);
                return 0;
            }
            """;
        string program = Gcc.Compile(source, directory.File("layout"));

        ToolResult result = Tool.Run(program, []);

        Assert.Equal(
            $"{Interop.O_RDONLY} {Interop.O_NONBLOCK} {Interop.O_CLOEXEC} {Interop.O_NOCTTY} {Interop.ENOENT} {Interop.StatSize} {Interop.StatModeOffset} {Interop.O_WRONLY} {Interop.O_CREAT} {Interop.O_TRUNC} {Interop.EINTR}\n",
            result.Stdout);
    }

    [Fact]
    public void Opens_a_regular_file()
    {
        string path = directory.File("a.patch");
        File.WriteAllBytes(path, [1, 2, 3]);

        using SafeFileHandle? handle = RegularFile.TryOpenRead(path, out int errno, out string? kind);

        Assert.NotNull(handle);
        Assert.Equal((0, null), (errno, kind));
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        Assert.Equal(3, stream.Length);
    }

    [Fact]
    public void A_fifo_without_a_writer_is_refused_without_blocking()
    {
        string fifo = directory.File("p.patch");
        Assert.Equal(0, Tool.Run("mkfifo", [fifo]).ExitCode);
        var clock = Stopwatch.StartNew();

        SafeFileHandle? handle = RegularFile.TryOpenRead(fifo, out int errno, out string? kind);

        Assert.Null(handle);
        Assert.Equal((0, "a FIFO (named pipe)"), (errno, kind));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("/dev/null", "a character device")]
    [InlineData("/", "a directory")]
    public void Other_kinds_are_named(string path, string expected)
    {
        Assert.Null(RegularFile.TryOpenRead(path, out int errno, out string? kind));
        Assert.Equal((0, expected), (errno, kind));
    }

    [Fact]
    public void A_socket_is_named()
    {
        string path = directory.File("s");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        // Opening a socket file fails with ENXIO before its type can be checked.
        Assert.Null(RegularFile.TryOpenRead(path, out int errno, out string? kind));
        Assert.Equal((6, null), (errno, kind));
    }

    [Fact]
    public void A_missing_file_gives_its_errno()
    {
        Assert.Null(RegularFile.TryOpenRead(directory.File("absent"), out int errno, out string? kind));
        Assert.Equal((RegularFile.NoSuchFile, null), (errno, kind));
        Assert.Equal("ENOENT (No such file or directory)", RegularFile.DescribeError(errno));
        Assert.Equal("errno 6 (No such device or address)", RegularFile.DescribeError(6));
    }

    [Fact]
    public void WriteAll_creates_or_truncates_the_file_and_names_the_path_when_it_cannot()
    {
        string path = directory.File("state");
        File.WriteAllText(path, "a much longer previous content\n");

        RegularFile.WriteAll(path, "new\n"u8);
        RegularFile.WriteAll(directory.File("empty"), []);

        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(0, new FileInfo(directory.File("empty")).Length);
        string missing = directory.File("no/such/dir/state");
        IOException e = Assert.Throws<IOException>(() => RegularFile.WriteAll(missing, "x"u8));
        Assert.Equal($"cannot create {missing}: ENOENT (No such file or directory)", e.Message);
    }
}
