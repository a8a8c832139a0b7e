using System.Text;
using Suture.TestSupport;

namespace Suture.Cli.Tests;

/// <summary>
/// Runs the suture command line inside the test process (<see cref="SutureCommandLine.Run"/>) on a
/// <see cref="CapturedConsole"/>: the same parsing, handlers and messages as the binary, without
/// starting a process per case. What only the real process shows (death by a signal, exit codes
/// from <c>Main</c>, another uid or a sandbox) stays with <see cref="SutureCli"/>.
/// </summary>
internal static class InProcessSuture
{
    public static ToolResult Run(params string[] arguments)
    {
        using var console = new CapturedConsole();
        int code = SutureCommandLine.Run(arguments, console);
        return new ToolResult(code, console.Stdout, console.Stderr);
    }

    public static ToolResult Succeed(params string[] arguments)
    {
        ToolResult result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"suture {string.Join(' ', arguments)} failed: {result}");
        return result;
    }
}

/// <summary>
/// A console whose standard output (text and bytes, in the order written) and standard error are
/// kept in memory. Its <see cref="Interruption"/> is never installed: no signal reaches it.
/// </summary>
internal sealed class CapturedConsole : IConsole, IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly MemoryStream _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly StreamWriter _out;

    public CapturedConsole()
    {
        _out = new StreamWriter(_stdout, Utf8, bufferSize: 1024, leaveOpen: true) { AutoFlush = true };
        Interruption = new Interruption(_stderr, code => throw new InvalidOperationException($"a captured console cannot exit ({code})"));
    }

    public TextWriter Out => _out;

    public TextWriter Error => _stderr;

    public Interruption Interruption { get; }

    public string Stdout => Utf8.GetString(_stdout.ToArray());

    public string Stderr => _stderr.ToString();

    public Stream OpenStandardOutput() => new KeptOpen(_stdout);

    public void Dispose()
    {
        _out.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
        Interruption.Dispose();
    }

    /// <summary>The captured standard output, left open when a command disposes its handle.</summary>
    private sealed class KeptOpen(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
