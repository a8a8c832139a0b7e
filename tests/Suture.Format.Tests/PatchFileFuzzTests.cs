using System.Buffers.Binary;
using Suture.Format;
using Suture.Format.Reading;
using Suture.Format.Writing;

namespace Suture.Format.Tests;

public class PatchFileFuzzTests
{
    private static readonly ulong[] Interesting =
    [
        0, 1, 4, 5, 0x20, 0x7F, 0x80, 0xFF, 0x1000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        0x1_0000_0000, long.MaxValue, 1UL << 63, ulong.MaxValue,
    ];

    /// <summary>
    /// Mutated valid files, most resealed so they get past the checksum into the sections. Only
    /// <see cref="PatchFormatException"/> may escape; whatever is accepted must write and read back.
    /// </summary>
    /// <remarks>
    /// 5,000 inputs by default; the stress suite (tests/stress/run.sh, docs/stress.md) runs
    /// 1,000,000 and more with SUTURE_FUZZ_INPUTS, and another seed with SUTURE_FUZZ_SEED.
    /// </remarks>
    [Fact]
    public void Mutated_files_only_ever_raise_PatchFormatException()
    {
        byte[][] seeds = [PatchWriter.Write(PatchSamples.Small()), PatchWriter.Write(PatchSamples.Realistic())];
        int inputs = int.TryParse(Environment.GetEnvironmentVariable("SUTURE_FUZZ_INPUTS"), out int n) && n > 0 ? n : 5000;
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("SUTURE_FUZZ_SEED"), out int seed) ? seed : 20260314);
        var failures = new List<string>();
        int rejectedPastChecksum = 0;
        int accepted = 0;

        for (int iteration = 0; iteration < inputs; iteration++)
        {
            byte[] file = seeds[random.Next(seeds.Length)];
            int mutations = random.Next(1, 5);
            for (int m = 0; m < mutations; m++)
            {
                file = Mutate(file, random);
            }

            if (random.Next(4) != 0)
            {
                file = PatchBytes.Reseal(file);
            }

            try
            {
                PatchFile patch = PatchReader.Read(file, "fuzz.patch");
                accepted++;
                PatchFile again = PatchReader.Read(PatchWriter.Write(patch), "rewritten.patch");
                if (!patch.ContentEquals(again))
                {
                    failures.Add($"iteration {iteration}: accepted patch does not survive a rewrite");
                }
            }
            catch (PatchFormatException e)
            {
                if (!e.Message.Contains("checksum mismatch", StringComparison.Ordinal))
                {
                    rejectedPastChecksum++;
                }
            }
#pragma warning disable CA1031 // The point of the test is to catch anything else.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures.Add($"iteration {iteration}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        Assert.Empty(failures);
        Assert.True(rejectedPastChecksum > inputs / 2, $"only {rejectedPastChecksum} mutations were rejected for a reason other than the checksum");
        Assert.True(accepted < inputs);
    }

    private static byte[] Mutate(byte[] file, Random random)
    {
        if (file.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        byte[] copy = [.. file];
        int at = random.Next(copy.Length);
        switch (random.Next(8))
        {
            case 0:
                copy[at] ^= (byte)(1 << random.Next(8));
                return copy;
            case 1:
                copy[at] = (byte)random.Next(256);
                return copy;
            case 2 when at + 4 <= copy.Length:
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), (uint)Interesting[random.Next(Interesting.Length)]);
                return copy;
            case 3 when at + 8 <= copy.Length:
                BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(at), Interesting[random.Next(Interesting.Length)]);
                return copy;
            case 4:
                return copy[..at];
            case 5:
                byte[] inserted = new byte[random.Next(1, 16)];
                random.NextBytes(inserted);
                return [.. copy.AsSpan(0, at), .. inserted, .. copy.AsSpan(at)];
            case 6:
                int count = random.Next(1, Math.Min(16, copy.Length - at) + 1);
                return [.. copy.AsSpan(0, at), .. copy.AsSpan(at + count)];
            default:
                int length = random.Next(1, Math.Min(32, copy.Length - at) + 1);
                return [.. copy.AsSpan(0, at + length), .. copy.AsSpan(at, length), .. copy.AsSpan(at + length)];
        }
    }
}
