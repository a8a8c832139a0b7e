using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Suture.Bench;

/// <summary>
/// Cost of a patched function per call (same process, before and after the patch), how the old
/// entry reaches the new code, and the memory one applied patch adds to the target.
/// </summary>
internal static class OverheadBench
{
    private const int Cycles = 3;
    private const int Reps = 3;

    public static void Run(Workspace ws, Report report)
    {
        Console.Error.WriteLine("bench: call overhead and memory");
        string patch = ws.PatchFile("overhead");
        var before = new List<(ulong Direct, ulong Indirect)>();
        var after = new List<(ulong Direct, ulong Indirect)>();
        var memory = new JsonArray();
        JsonObject? jump = null;
        using (ControlBlock shm = ControlBlock.Create("overhead"))
        using (Target target = Target.Start(ws.Exe("overhead"), shm.FilePath))
        {
            shm.WaitReady(target);
            string pid = target.Pid.ToString(CultureInfo.InvariantCulture);
            shm.TimeCalls(); // warm up
            for (int c = 0; c < Cycles; c++)
            {
                for (int i = 0; i < Reps; i++)
                {
                    before.Add(shm.TimeCalls());
                }

                Mem m0 = Mem.Read(target.Pid);
                ws.SutureTimed("apply", "-p", pid, patch).Check();
                Mem m1 = Mem.Read(target.Pid);
                jump ??= JumpCheck(ws, target.Pid);
                for (int i = 0; i < Reps; i++)
                {
                    after.Add(shm.TimeCalls());
                }

                Mem m2 = Mem.Read(target.Pid);
                ws.SutureTimed("revert", "-p", pid).Check();
                Mem m3 = Mem.Read(target.Pid);
                memory.Add((JsonNode)new JsonObject
                {
                    ["memfd_bytes_applied"] = m1.MemfdBytes - m0.MemfdBytes,
                    ["memfd_mappings_applied"] = m1.MemfdMappings - m0.MemfdMappings,
                    ["rss_delta_kib_applied"] = m1.RssKib - m0.RssKib,
                    ["rss_delta_kib_after_calls"] = m2.RssKib - m0.RssKib,
                    ["memfd_bytes_after_revert"] = m3.MemfdBytes,
                    ["rss_delta_kib_after_revert"] = m3.RssKib - m0.RssKib,
                });
            }
        }

        double bD = before.Min(b => b.Direct) / 1000.0, aD = after.Min(a => a.Direct) / 1000.0;
        double bI = before.Min(b => b.Indirect) / 1000.0, aI = after.Min(a => a.Indirect) / 1000.0;
        bool oneJump = jump?["one_direct_jump"]?.GetValue<bool>() == true;
        string shape = jump?["shape"]?.GetValue<string>() ?? "?";
        report.Add(new Row("call overhead: direct call", "ns/call after patch", $"{Report.Num(aD, 3)} ns (+{Report.Num(aD - bD, 3)})",
            $"{Report.Num(bD, 3)} ns (unpatched)", "0.3-0.7 ns/call", "one direct jump", oneJump ? "met" : "missed"));
        report.Add(new Row("call overhead: via pointer", "ns/call after patch", $"{Report.Num(aI, 3)} ns (+{Report.Num(aI - bI, 3)})",
            $"{Report.Num(bI, 3)} ns (unpatched)", "0.3-0.7 ns/call", "one direct jump", oneJump ? "met" : "missed"));
        report.Add(new Row("call path", "old entry -> new code", shape, "", "-", "one direct jump", oneJump ? "met" : "missed"));

        double Med(string key) => Stats.Median(memory.Select(m => (double)m![key]!.GetValue<long>()));
        double memfd = Med("memfd_bytes_applied"), rss = Med("rss_delta_kib_applied"), leftMemfd = Med("memfd_bytes_after_revert"), leftRss = Med("rss_delta_kib_after_revert");
        report.Add(new Row("memory per applied patch", "/memfd:suture: mappings", $"{memfd / 1024:0.#} KiB", "0 (unpatched)", "-", "-", "-"));
        report.Add(new Row("memory per applied patch", "Rss delta (smaps_rollup)", $"{rss:0.#} KiB", "", "-", "-", "-"));
        report.Add(new Row("memory left after revert", "memfd / Rss delta", $"{leftMemfd / 1024:0.#} KiB / {leftRss:0.#} KiB", "", "-", "0", leftMemfd == 0 ? "met" : "missed"));

        report.Results["call_overhead"] = new JsonObject
        {
            ["calls_per_loop"] = 20_000_000,
            ["statistic"] = $"minimum of {Cycles * Reps} loops before and after",
            ["direct_ns_before"] = Report.Round(bD),
            ["direct_ns_after"] = Report.Round(aD),
            ["direct_ns_delta"] = Report.Round(aD - bD),
            ["indirect_ns_before"] = Report.Round(bI),
            ["indirect_ns_after"] = Report.Round(aI),
            ["indirect_ns_delta"] = Report.Round(aI - bI),
            ["entry"] = jump,
        };
        report.Results["memory"] = new JsonObject
        {
            ["memfd_bytes_per_patch"] = Report.Round(memfd),
            ["rss_delta_kib_per_patch"] = Report.Round(rss),
            ["memfd_bytes_after_revert"] = Report.Round(leftMemfd),
            ["rss_delta_kib_after_revert"] = Report.Round(leftRss),
            ["cycles"] = memory,
        };
    }

    /// <summary>
    /// Reads the patched entry from the target's memory: an endbr64 (optional) then E9 rel32
    /// straight to the new function, whose first instruction is not another jump.
    /// </summary>
    private static JsonObject JumpCheck(Workspace ws, int pid)
    {
        CmdResult status = ws.SutureTimed("status", "-p", pid.ToString(CultureInfo.InvariantCulture), "--json").Check();
        using var doc = JsonDocument.Parse(status.Stdout);
        JsonElement function = doc.RootElement.GetProperty("patches")[0].GetProperty("functions")[0];
        ulong oldAddress = Hex(function.GetProperty("address").GetString()!);
        ulong newAddress = Hex(function.GetProperty("newAddress").GetString()!);
        byte[] entry = ReadMemory(pid, oldAddress, 16);
        byte[] target = ReadMemory(pid, newAddress, 16);
        int at = entry.AsSpan().StartsWith((byte[])[0xF3, 0x0F, 0x1E, 0xFA]) ? 4 : 0;
        bool jmp = entry[at] == 0xE9;
        ulong destination = jmp ? oldAddress + (ulong)at + 5 + (ulong)(long)BitConverter.ToInt32(entry, at + 1) : 0;
        bool chained = target[0] is 0xE9 or 0xEB || (target[0] == 0xFF && target[1] == 0x25);
        bool one = jmp && destination == newAddress && !chained;
        string shape = jmp
            ? $"{(at == 4 ? "endbr64; " : "")}jmp rel32 -> {(destination == newAddress ? "new function" : $"0x{destination:x}")}{(chained ? " -> another jump" : "")}"
            : $"entry starts with {Convert.ToHexString(entry, 0, 5)}";
        return new JsonObject
        {
            ["old_address"] = $"0x{oldAddress:x}",
            ["new_address"] = $"0x{newAddress:x}",
            ["entry_bytes"] = Convert.ToHexString(entry),
            ["new_code_bytes"] = Convert.ToHexString(target),
            ["shape"] = shape,
            ["one_direct_jump"] = one,
        };
    }

    private static ulong Hex(string text) => ulong.Parse(text.StartsWith("0x", StringComparison.Ordinal) ? text[2..] : text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static byte[] ReadMemory(int pid, ulong address, int count)
    {
        using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle($"/proc/{pid}/mem");
        byte[] buffer = new byte[count];
        int read = RandomAccess.Read(handle, buffer, (long)address);
        return read == count ? buffer : throw new BenchException($"cannot read {count} bytes at 0x{address:x} in process {pid}");
    }

    /// <summary>Suture's mappings and the resident set of a process.</summary>
    private sealed record Mem(long MemfdBytes, long MemfdMappings, long RssKib)
    {
        public static Mem Read(int pid)
        {
            long bytes = 0, count = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                if (!line.Contains("/memfd:suture:", StringComparison.Ordinal))
                {
                    continue;
                }

                string range = line[..line.IndexOf(' ', StringComparison.Ordinal)];
                string[] ends = range.Split('-');
                bytes += (long)(Hex(ends[1]) - Hex(ends[0]));
                count++;
            }

            long rss = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }

            return new Mem(bytes, count, rss);
        }
    }
}
