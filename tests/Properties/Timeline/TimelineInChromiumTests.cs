using System.Buffers.Binary;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Timeline;

public sealed class TimelineInChromiumTests
{
    private const string KeepVariable = "ELSA_SIM_TIMELINE_SCREENSHOT";

    [SkippableFact]
    public void A_failing_runs_timeline_renders_in_Chromium_with_its_lanes_and_the_violation_highlighted()
    {
        // The README's test command runs on a machine with only the .NET SDK; CI installs Chromium and requires it.
        Skip.If(!Chromium.IsInstalled && !Chromium.IsRequired,
            $"Chromium is not installed (apt-get install chromium); set {Chromium.RequiredVariable}=1 to fail instead of skipping");
        using var trace = new FailingRunTrace();
        var directory = Directory.CreateTempSubdirectory("elsa-sim-timeline-");
        try
        {
            var page = Path.Combine(directory.FullName, "timeline.html");
            var png = Path.Combine(directory.FullName, "timeline.png");
            TimelineHtml.WriteFile(trace.Path, page);

            Chromium.Screenshot(page, png, width: 1600, height: 1000);
            var dom = Chromium.DumpDom(page);
            if (Environment.GetEnvironmentVariable(KeepVariable) is { Length: > 0 } keep)
            {
                // How docs/timeline.png is made (docs/simulator.md).
                File.Copy(png, keep, overwrite: true);
            }

            foreach (var lane in new[] { "member:0", "member:1", "member:2", "partition:topic-0/0", "partition:topic-1/5" })
            {
                Assert.Contains($"data-lane=\"{lane}\"", dom, StringComparison.Ordinal);
            }

            Assert.Contains("id=\"violation\"", dom, StringComparison.Ordinal);
            Assert.Contains("class=\"lane violated\"", dom, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(trace.Result.Violation!.Kind), dom, StringComparison.Ordinal);
            var image = File.ReadAllBytes(png);
            Assert.True(image.Length > 10_000, $"the screenshot is only {image.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], image[..8]);
            Assert.Equal("IHDR"u8.ToArray(), image[12..16]);
            Assert.Equal(1600, BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(16, 4)));
            Assert.Equal(1000, BinaryPrimitives.ReadInt32BigEndian(image.AsSpan(20, 4)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
