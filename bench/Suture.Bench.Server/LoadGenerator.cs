using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Suture.Protocol;

namespace Suture.Bench.Server;

/// <summary>
/// Closed loop: C workers, each checks in as a random host of the fleet (digest only, no results),
/// waits for the answer, and goes again; a warm-up first (not counted, bounded by time and count),
/// then the measured span, bounded by time and by count.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<Measurement> RunAsync(HttpClient client, Fleet fleet, BenchOptions options, Action measuring, CancellationToken ct)
    {
        // Warm-up: the time given and at least the check-ins given (2 minutes more at most), so
        // the runtime has compiled the hot path at its final tier before anything is counted.
        long warm = await PhaseAsync(client, fleet, options.Concurrency, TimeSpan.FromSeconds(options.Warmup), long.MaxValue, null, ct);
        if (warm < options.WarmupCheckIns)
        {
            await PhaseAsync(client, fleet, options.Concurrency, TimeSpan.FromMinutes(2), options.WarmupCheckIns - warm, null, ct);
        }

        measuring();
        var m = new Measurement();
        var clock = Stopwatch.StartNew();
        await PhaseAsync(client, fleet, options.Concurrency, TimeSpan.FromSeconds(options.Seconds), options.MaxCheckIns, m, ct);
        m.Seconds = clock.Elapsed.TotalSeconds;
        return m;
    }

    private static async Task<long> PhaseAsync(HttpClient client, Fleet fleet, int concurrency, TimeSpan span, long max, Measurement? m, CancellationToken ct)
    {
        long started = 0;
        long deadline = Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency);
        var request = new CheckInRequest { InventoryDigest = fleet.Digest, Objects = null, Results = [], AgentVersion = "bench 1" };
        byte[] body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(request, ProtocolJsonContext.Default.CheckInRequest);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(100_000);
            int errors = 0;
            while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref started) <= max)
            {
                ct.ThrowIfCancellationRequested();
                string token = fleet.Tokens[Random.Shared.Next(fleet.Tokens.Count)];
                using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/checkin") { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    using HttpResponseMessage response = await client.SendAsync(message, ct);
                    CheckInResponse? answer = response.IsSuccessStatusCode
                        ? await response.Content.ReadFromJsonAsync(ProtocolJsonContext.Default.CheckInResponse, ct)
                        : null;
                    latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    if (answer is null || answer.InventoryRequired || answer.Directives.Count != 0)
                    {
                        errors++;
                        if (errors <= 3)
                        {
                            Console.Error.WriteLine($"bench: check-in answered {(int)response.StatusCode}: {(answer is null ? await response.Content.ReadAsStringAsync(ct) : "inventoryRequired or directives")}");
                        }
                    }
                }
                catch (HttpRequestException e)
                {
                    errors++;
                    Console.Error.WriteLine($"bench: check-in failed: {e.Message}");
                }
            }

            m?.Add(latencies, errors);
        }, ct)));
        return Math.Min(Interlocked.Read(ref started), max);
    }
}

internal sealed class Measurement
{
    private readonly List<double> _latencies = [];

    public int Errors { get; private set; }

    public double Seconds { get; set; }

    public int Count => _latencies.Count;

    public void Add(List<double> latencies, int errors)
    {
        lock (_latencies)
        {
            _latencies.AddRange(latencies);
            Errors += errors;
        }
    }

    public double Percentile(double p)
    {
        if (_latencies.Count == 0)
        {
            return double.NaN;
        }

        _latencies.Sort();
        int index = (int)Math.Ceiling(p / 100 * _latencies.Count) - 1;
        return _latencies[Math.Clamp(index, 0, _latencies.Count - 1)];
    }
}
