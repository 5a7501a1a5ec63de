using System.Globalization;
using System.Net;
using System.Text;

namespace Elsa.Sim.Simulation;

/// <summary>Draws a <see cref="RunTimeline"/> as one self-contained HTML page: inline CSS and SVG, no script and no
/// external resource, so it opens anywhere and can be attached to a bug report. Lanes carry
/// <c>data-lane</c> attributes and the violation the id <c>violation</c>, for tools and tests.</summary>
internal static class TimelineHtml
{
    // The layout and colours are internal, not private, so the Chromium test can find them in a screenshot.
    internal const int PageMarginPx = 16;
    internal const int LabelWidth = 170;
    internal const int PlotWidth = 1250;
    internal const int LaneHeight = 22;
    private const int AxisHeight = 28;

    // Acks closer than this many pixels are drawn as one tick, so a busy partition stays readable and the page small.
    private const double AckBucketPx = 3;

    // Member colours; red is kept for the violation.
    internal static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac", "#86bcb6"];

    internal const string ViolationColour = "#dd0000";
    internal const string ViolatedLaneColour = "#fde2e2";
    internal const double SpanOpacity = 0.85;

    /// <summary>Writes the page for the trace at <paramref name="tracePath"/> to <paramref name="htmlPath"/>, and returns
    /// the timeline it drew.</summary>
    /// <exception cref="IOException">When a file cannot be read or written.</exception>
    /// <exception cref="FormatException">When the trace is not a trace.</exception>
    public static RunTimeline WriteFile(string tracePath, string htmlPath)
    {
        var timeline = TimelineBuilder.FromFile(tracePath);
        Write(timeline, htmlPath);
        return timeline;
    }

    /// <summary>Runs <paramref name="run"/> with a sink that keeps its trace in memory, writes that run's page to
    /// <paramref name="htmlPath"/>, and returns the run's result: a timeline without a trace file. For example
    /// <c>TimelineHtml.WriteRun("run.html", sink =&gt; Simulator.Run(options, seed, plan, sink))</c>.</summary>
    /// <exception cref="IOException">When the page cannot be written.</exception>
    public static SimulationResult WriteRun(string htmlPath, Func<TraceSink, SimulationResult> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var lines = new StringWriter(CultureInfo.InvariantCulture);
        SimulationResult result;
        using (var sink = TraceSink.ToWriter(lines))
        {
            result = run(sink);
        }

        Write(TimelineBuilder.FromLines(lines.ToString().Split('\n').Select(l => l.TrimEnd('\r'))), htmlPath);
        return result;
    }

    private static void Write(RunTimeline timeline, string htmlPath) => File.WriteAllText(htmlPath, Render(timeline), new UTF8Encoding(false));

    /// <summary>The page for <paramref name="timeline"/>.</summary>
    public static string Render(RunTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var endMs = Math.Max(1, timeline.EndMs);
        double X(long ms) => LabelWidth + (double)Math.Clamp(ms, 0, endMs) * PlotWidth / endMs;
        var height = AxisHeight + (timeline.Lanes.Count * LaneHeight) + 8;
        var width = LabelWidth + PlotWidth + 20;
        var violated = timeline.Violation?.LaneIds.ToHashSet(StringComparer.Ordinal) ?? [];

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>elsa-sim timeline: ")
            .Append(Encode(timeline.Title)).Append("</title>\n<style>").Append(Css).Append("</style></head>\n<body>\n");
        html.Append("<h1>").Append(Encode(timeline.Title)).Append("</h1>\n");
        if (timeline.Violation is { } violation)
        {
            html.Append("<p class=\"verdict failed\" id=\"violation-text\">violation at ").Append(Ms(violation.AtMs)).Append(": ")
                .Append(Encode(violation.Text)).Append("</p>\n");
        }
        else
        {
            html.Append("<p class=\"verdict passed\">verdict: ").Append(Encode(timeline.Verdict)).Append("</p>\n");
        }

        html.Append(Legend(timeline.Members));
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n");
        Axis(html, endMs, height, X);
        for (var i = 0; i < timeline.Lanes.Count; i++)
        {
            Lane(html, timeline.Lanes[i], AxisHeight + (i * LaneHeight), violated.Contains(timeline.Lanes[i].Id), X);
        }

        foreach (var fault in timeline.Faults)
        {
            html.Append(CultureInfo.InvariantCulture, $"<line class=\"fault-all\" x1=\"{X(fault.AtMs):F1}\" y1=\"{AxisHeight}\" x2=\"{X(fault.AtMs):F1}\" y2=\"{height - 8}\"><title>{Ms(fault.AtMs)}: {Encode(fault.Detail)}</title></line>\n");
        }

        if (timeline.Violation is { } found)
        {
            var x = X(found.AtMs);
            html.Append(CultureInfo.InvariantCulture, $"<g id=\"violation\" class=\"violation\"><line x1=\"{x:F1}\" y1=\"{AxisHeight - 6}\" x2=\"{x:F1}\" y2=\"{height - 4}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Math.Min(x + 4, width - 260):F1}\" y=\"{AxisHeight - 10}\">violation at {Ms(found.AtMs)}</text>")
                .Append("<title>").Append(Encode(found.Text)).Append("</title></g>\n");
        }

        html.Append("</svg>\n</body></html>\n");
        return html.ToString();
    }

    private static void Axis(StringBuilder html, long endMs, int height, Func<long, double> x)
    {
        var step = new long[] { 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000 }
            .FirstOrDefault(s => endMs / s <= 14, 7_200_000);
        html.Append("<g class=\"axis\">");
        for (long t = 0; t <= endMs; t += step)
        {
            var at = x(t);
            html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{at:F1}\" y1=\"{AxisHeight - 4}\" x2=\"{at:F1}\" y2=\"{height - 8}\"/><text x=\"{at:F1}\" y=\"{AxisHeight - 8}\">{Ms(t)}</text>");
        }

        html.Append("</g>\n");
    }

    private static void Lane(StringBuilder html, TimelineLane lane, int top, bool violated, Func<long, double> x)
    {
        var mid = top + (LaneHeight / 2);
        html.Append(CultureInfo.InvariantCulture, $"<g class=\"lane{(violated ? " violated" : "")}\" data-lane=\"{Encode(lane.Id)}\">")
            .Append(CultureInfo.InvariantCulture, $"<rect class=\"row\" x=\"0\" y=\"{top}\" width=\"{LabelWidth + PlotWidth + 20}\" height=\"{LaneHeight}\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"8\" y=\"{mid + 4}\">{Encode(lane.Label)}</text>");
        foreach (var span in lane.Spans)
        {
            var x1 = x(span.StartMs);
            var w = Math.Max(1, x(span.EndMs) - x1);
            var colour = Palette[span.Member % Palette.Length];
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"span\" x=\"{x1:F1}\" y=\"{top + 4}\" width=\"{w:F1}\" height=\"{LaneHeight - 8}\" fill=\"{colour}\"><title>{Encode(span.Detail)}</title></rect>");
            if (w > 60)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text class=\"span-label\" x=\"{x1 + 3:F1}\" y=\"{mid + 4}\">{Encode(span.Label)}</text>");
            }
        }

        double lastAckX = double.NegativeInfinity;
        foreach (var mark in lane.Marks)
        {
            var at = x(mark.AtMs);
            if (mark.Kind == TimelineMarkKind.Ack)
            {
                if (at - lastAckX < AckBucketPx)
                {
                    continue;
                }

                lastAckX = at;
            }

            html.Append(Mark(mark, at, top, mid));
        }

        html.Append("</g>\n");
    }

    private static string Mark(TimelineMark mark, double x, int top, int mid)
    {
        var title = $"<title>{Ms(mark.AtMs)}: {Encode(mark.Detail)}</title>";
        var bottom = top + LaneHeight;
        return mark.Kind switch
        {
            TimelineMarkKind.Ack => string.Create(CultureInfo.InvariantCulture, $"<line class=\"ack\" x1=\"{x:F1}\" y1=\"{bottom - 7}\" x2=\"{x:F1}\" y2=\"{bottom - 2}\">{title}</line>"),
            TimelineMarkKind.Commit or TimelineMarkKind.CommitRefused => string.Create(CultureInfo.InvariantCulture,
                $"<path class=\"{(mark.Kind == TimelineMarkKind.Commit ? "commit" : "commit-refused")}\" d=\"M{x:F1} {top + 1} l3 3 l-3 3 l-3 -3 z\">{title}</path>"),
            TimelineMarkKind.WorkerStart => string.Create(CultureInfo.InvariantCulture, $"<path class=\"start\" d=\"M{x:F1} {top + 3} l4 {(LaneHeight / 2) - 3} l-4 {(LaneHeight / 2) - 3} z\">{title}</path>"),
            TimelineMarkKind.WorkerStop => string.Create(CultureInfo.InvariantCulture, $"<line class=\"stop\" x1=\"{x:F1}\" y1=\"{top + 2}\" x2=\"{x:F1}\" y2=\"{bottom - 2}\">{title}</line>"),
            TimelineMarkKind.WorkerCrash => string.Create(CultureInfo.InvariantCulture, $"<text class=\"crash\" x=\"{x - 4:F1}\" y=\"{mid + 5}\">✕{title}</text>"),
            TimelineMarkKind.MemberDown => string.Create(CultureInfo.InvariantCulture, $"<rect class=\"down\" x=\"{x - 2:F1}\" y=\"{top + 2}\" width=\"4\" height=\"{LaneHeight - 4}\">{title}</rect>"),
            TimelineMarkKind.Generation => string.Create(CultureInfo.InvariantCulture, $"<line class=\"generation\" x1=\"{x:F1}\" y1=\"{top + 1}\" x2=\"{x:F1}\" y2=\"{bottom - 1}\">{title}</line>"),
            _ => string.Create(CultureInfo.InvariantCulture, $"<text class=\"fault\" x=\"{x - 5:F1}\" y=\"{mid + 5}\">⚡{title}</text>"),
        };
    }

    private static string Legend(int members)
    {
        var legend = new StringBuilder("<div class=\"legend\">");
        for (var member = 0; member < members; member++)
        {
            legend.Append(CultureInfo.InvariantCulture, $"<span><i style=\"background:{Palette[member % Palette.Length]}\"></i>member {member}</span>");
        }

        legend.Append("<span>▶ worker start</span><span>│ worker stop</span><span class=\"crash\">✕ worker crash</span><span class=\"down\">▮ member down</span>")
            .Append("<span class=\"ack\">╷ acks</span><span class=\"commit\">◆ commit</span><span class=\"commit-refused\">◇ commit refused</span>")
            .Append("<span class=\"fault\">⚡ fault</span><span class=\"violation\">┃ violation</span>")
            .Append("</div>\n<p class=\"note\">Partition bars: a worker alive, coloured by its member and labelled m(ember) g(eneration). ")
            .Append("Member bars: the member's generations. Hover over anything for details.</p>\n");
        return legend.ToString();
    }

    private static string Ms(long ms) => ms >= 1_000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1_000.0:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{ms} ms");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static readonly string Css = $$"""
        body { font: 13px system-ui, sans-serif; margin: {{PageMarginPx}}px; color: #222; }
        h1 { font-size: 16px; margin: 0 0 6px; }
        .verdict { margin: 4px 0 8px; padding: 4px 8px; display: inline-block; border-radius: 3px; max-width: {{LabelWidth + PlotWidth - 16}}px; }
        .verdict.failed { background: {{ViolatedLaneColour}}; color: #a00; font-weight: 600; }
        .verdict.passed { background: #e3f4e1; color: #1d6b16; }
        .legend span { margin-right: 14px; white-space: nowrap; } .note { color: #666; margin: 4px 0; }
        .legend i { display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: middle; }
        svg { display: block; margin-top: 8px; }
        .axis line { stroke: #eee; } .axis text { font-size: 10px; fill: #888; text-anchor: middle; }
        .row { fill: transparent; } .lane:nth-child(odd) .row { fill: #fafafa; }
        .lane.violated .row { fill: {{ViolatedLaneColour}}; }
        .label { font-size: 12px; fill: #333; } .lane.violated .label { fill: #a00; font-weight: 600; }
        .span { opacity: {{SpanOpacity.ToString(CultureInfo.InvariantCulture)}}; } .span-label { font-size: 10px; fill: #fff; pointer-events: none; }
        .ack { stroke: #333; stroke-width: 1; } .legend .ack { color: #333; }
        .commit { fill: #1d6b16; } .legend .commit { color: #1d6b16; }
        .commit-refused { fill: #fff; stroke: #b35c00; } .legend .commit-refused { color: #b35c00; }
        .start { fill: #222; } .stop { stroke: #222; stroke-width: 2; }
        .crash { fill: #c00; font-size: 13px; font-weight: 700; } .legend .crash { color: #c00; }
        .generation { stroke: #555; stroke-dasharray: 2 2; }
        .down { fill: #000; } .legend .down { color: #000; }
        .fault { font-size: 12px; } .fault-all { stroke: #e8a000; stroke-dasharray: 3 3; }
        .violation line { stroke: {{ViolationColour}}; stroke-width: 2.5; } .violation text { fill: {{ViolationColour}}; font-weight: 700; font-size: 12px; }
        .legend .violation { color: {{ViolationColour}}; font-weight: 600; }
        """;
}
