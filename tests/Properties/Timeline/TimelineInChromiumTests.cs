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
            var screenshot = Png.Decode(image);
            Assert.Equal((1600, 1000), (screenshot.Width, screenshot.Height));
            TheViolationLineIsDrawnAcrossTheLanes(screenshot);
            var timeline = TimelineBuilder.FromFile(trace.Path);
            TheLanesItNamesAreHighlighted(screenshot, timeline.Violation!.LaneIds.Count);
            EveryBarIsDrawnInItsMembersColour(screenshot, timeline);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static readonly int PlotLeft = TimelineHtml.PageMarginPx + TimelineHtml.LabelWidth;
    private static readonly int PlotRight = PlotLeft + TimelineHtml.PlotWidth;

    /// <summary>The violation is a vertical line in its colour, as tall as the lanes (15 of them here).</summary>
    private static void TheViolationLineIsDrawnAcrossTheLanes(Png screenshot)
    {
        var red = Rgb(TimelineHtml.ViolationColour);
        var tallest = Enumerable.Range(PlotLeft, TimelineHtml.PlotWidth)
            .Max(x => Enumerable.Range(0, screenshot.Height).Count(y => screenshot.Rgb(x, y) == red));
        Assert.True(tallest >= 15 * TimelineHtml.LaneHeight, $"the tallest column of violation red is {tallest} px; the lanes are {15 * TimelineHtml.LaneHeight} px");
    }

    /// <summary>Right of the plot, where no bar or mark is drawn, only the lanes the violation names have the highlight
    /// colour: one lane's height of it for each (the verdict above, in the same colour, wraps before the plot's right edge).</summary>
    private static void TheLanesItNamesAreHighlighted(Png screenshot, int lanes)
    {
        var x = PlotRight + 10;
        var highlight = Rgb(TimelineHtml.ViolatedLaneColour);
        var highlighted = Enumerable.Range(0, screenshot.Height).Count(y => screenshot.Rgb(x, y) == highlight);
        Assert.True(lanes > 0, "the violation names no lane");
        Assert.InRange(highlighted, (lanes * TimelineHtml.LaneHeight) - 2, lanes * TimelineHtml.LaneHeight);
    }

    /// <summary>Every bar of the timeline (a member's generations, a partition's workers) is in the picture in its
    /// member's colour, drawn translucent over the lane: at least most of the area the bars cover (labels and marks
    /// are drawn over them).</summary>
    private static void EveryBarIsDrawnInItsMembersColour(Png screenshot, RunTimeline timeline)
    {
        for (var member = 0; member < timeline.Members; member++)
        {
            var bar = Blend(Rgb(TimelineHtml.Palette[member]), (255, 255, 255));
            var expected = timeline.Lanes.SelectMany(l => l.Spans).Where(s => s.Member == member)
                .Sum(s => Math.Max(1.0, (double)(s.EndMs - s.StartMs) * TimelineHtml.PlotWidth / timeline.EndMs) * (TimelineHtml.LaneHeight - 8));
            var drawn = 0;
            for (var y = 0; y < screenshot.Height; y++)
            {
                for (var x = PlotLeft; x < PlotRight; x++)
                {
                    if (Near(screenshot.Rgb(x, y), bar, 6))
                    {
                        drawn++;
                    }
                }
            }

            Assert.True(expected > 0, $"member {member} has no bar");
            Assert.True(drawn >= 0.6 * expected, $"member {member}'s bars cover {expected:F0} px, but only {drawn} px have its colour");
        }
    }

    private static (int R, int G, int B) Blend((int R, int G, int B) colour, (int R, int G, int B) under) =>
        (Mix(colour.R, under.R), Mix(colour.G, under.G), Mix(colour.B, under.B));

    private static int Mix(int over, int under) => (int)Math.Round((TimelineHtml.SpanOpacity * over) + ((1 - TimelineHtml.SpanOpacity) * under));

    private static bool Near((int R, int G, int B) a, (int R, int G, int B) b, int tolerance) =>
        Math.Abs(a.R - b.R) <= tolerance && Math.Abs(a.G - b.G) <= tolerance && Math.Abs(a.B - b.B) <= tolerance;

    private static (int R, int G, int B) Rgb(string hex) =>
        (Convert.ToInt32(hex[1..3], 16), Convert.ToInt32(hex[3..5], 16), Convert.ToInt32(hex[5..7], 16));
}
