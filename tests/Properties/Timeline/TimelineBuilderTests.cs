using System.Text.RegularExpressions;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Timeline;

public sealed class TimelineBuilderTests
{
    [Fact]
    public void A_failing_runs_timeline_has_a_lane_per_member_and_partition_and_places_the_violation_on_the_lanes_it_names()
    {
        using var trace = new FailingRunTrace();

        var timeline = TimelineBuilder.FromFile(trace.Path);

        Assert.Equal(3, timeline.Members);
        Assert.Equal(3 + 12, timeline.Lanes.Count);
        Assert.Equal(["member:0", "member:1", "member:2"], timeline.Lanes.Take(3).Select(l => l.Id));
        Assert.Contains(timeline.Lanes, l => l.Id == "partition:topic-1/5");
        var violation = Assert.IsType<TimelineViolation>(timeline.Violation);
        Assert.Equal(trace.Result.Violation!.ToString(), violation.Text);
        Assert.Equal(trace.Result.Violation.AtMs, violation.AtMs);
        Assert.NotEmpty(violation.LaneIds);
        Assert.All(violation.LaneIds, id => Assert.Contains(timeline.Lanes, l => l.Id == id));
    }

    [Fact]
    public void Every_partition_lane_shows_its_workers_acks_and_commits_within_the_run()
    {
        using var trace = new FailingRunTrace();

        var timeline = TimelineBuilder.FromFile(trace.Path);

        var partitions = timeline.Lanes.Where(l => l.Id.StartsWith("partition:", StringComparison.Ordinal)).ToArray();
        Assert.All(partitions, lane =>
        {
            Assert.NotEmpty(lane.Spans);
            Assert.All(lane.Spans, span =>
            {
                Assert.InRange(span.Member, 0, 2);
                Assert.True(span.StartMs <= span.EndMs && span.EndMs <= timeline.EndMs, $"{lane.Id}: {span.Detail}");
            });
            Assert.Contains(lane.Marks, m => m.Kind == TimelineMarkKind.WorkerStart);
        });
        Assert.Contains(partitions.SelectMany(l => l.Marks), m => m.Kind == TimelineMarkKind.Ack);
        Assert.All(timeline.Lanes.Take(3), lane => Assert.Contains(lane.Marks, m => m.Kind == TimelineMarkKind.Generation));
    }

    [Fact]
    public void A_passing_run_with_faults_shows_commits_crashes_and_faults_and_no_violation()
    {
        var path = Path.Combine(Path.GetTempPath(), $"elsa-sim-passing-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var sink = TraceSink.ToFile(path))
            {
                Assert.True(Simulator.Run(new SimulationOptions(), seed: 5, plan: null, trace: sink).Passed);
            }

            var timeline = TimelineBuilder.FromFile(path);

            Assert.Null(timeline.Violation);
            Assert.Equal("pass", timeline.Verdict);
            Assert.Contains(timeline.Lanes.SelectMany(l => l.Marks), m => m.Kind == TimelineMarkKind.Commit);
            Assert.Contains(timeline.Lanes.SelectMany(l => l.Marks), m => m.Kind == TimelineMarkKind.WorkerCrash);
            Assert.Contains(timeline.Lanes.SelectMany(l => l.Marks), m => m.Kind == TimelineMarkKind.Fault);
            Assert.DoesNotContain("id=\"violation\"", TimelineHtml.Render(timeline), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_crashed_members_workers_and_generation_end_at_the_crash_and_its_restarted_workers_get_bars_of_their_own()
    {
        // Seed 3 with member crashes only: members crash while they run workers, restart, and start workers again with
        // the ids a fresh machine hands out (w1, w2, ...), which their dead predecessors had.
        var (result, timeline, _) = RecordedRun.Of(new SimulationOptions { Faults = [FaultKind.MemberCrash] }, seed: 3);

        Assert.True(result.Passed, result.Verdict);
        var crashes = timeline.Lanes.Where(l => l.Id.StartsWith("member:", StringComparison.Ordinal))
            .SelectMany(l => l.Marks.Where(m => m.Kind == TimelineMarkKind.Fault && m.Detail.Contains("crashes", StringComparison.Ordinal))
                .Select(m => (Lane: l, m.AtMs)))
            .ToArray();
        Assert.True(crashes.Length >= 2, $"only {crashes.Length} member crash(es) fired");
        var partitions = timeline.Lanes.Where(l => l.Id.StartsWith("partition:", StringComparison.Ordinal)).ToArray();
        foreach (var lane in partitions)
        {
            Assert.Equal(lane.Marks.Count(m => m.Kind == TimelineMarkKind.WorkerStart), lane.Spans.Count);
            foreach (var member in lane.Spans.GroupBy(s => s.Member))
            {
                var bars = member.OrderBy(s => s.StartMs).ToArray();
                Assert.All(bars.Zip(bars.Skip(1)), pair => Assert.True(pair.First.EndMs <= pair.Second.StartMs,
                    $"{lane.Id}: member {member.Key}'s bars overlap: {pair.First.Detail} / {pair.Second.Detail}"));
            }
        }

        foreach (var (memberLane, atMs) in crashes)
        {
            var member = int.Parse(memberLane.Id["member:".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var bars = partitions.SelectMany(l => l.Spans).Where(s => s.Member == member).Concat(memberLane.Spans);
            Assert.All(bars, bar => Assert.False(bar.StartMs < atMs && atMs < bar.EndMs,
                $"member {member} crashed at {atMs} ms, but this bar runs across it: {bar.Detail}"));
        }

        Assert.Contains(partitions.SelectMany(l => l.Spans), bar => crashes.Any(c => c.AtMs == bar.EndMs && c.Lane.Id == TimelineBuilder.MemberLane(bar.Member)));
    }

    [Fact]
    public void A_fault_aimed_at_a_partition_is_named_by_its_partition_in_the_trace_and_drawn_on_that_partitions_lane()
    {
        var options = new SimulationOptions { Faults = [FaultKind.WorkerCrash, FaultKind.HandlerException, FaultKind.FetchOutOfRange] };

        var (result, timeline, lines) = RecordedRun.Of(options, seed: 4);

        var faults = lines.Where(l => l.Contains("\"type\":\"fault\"", StringComparison.Ordinal)).ToArray();
        Assert.True(faults.Length >= 3, $"only {faults.Length} fault(s) fired: {result.Verdict}");
        Assert.All(faults, line => Assert.Matches(@"""partition"":""topic-\d+/\d+""", line));
        Assert.Empty(timeline.Faults);
        var drawn = timeline.Lanes.Where(l => l.Id.StartsWith("partition:", StringComparison.Ordinal))
            .SelectMany(l => l.Marks.Where(m => m.Kind == TimelineMarkKind.Fault).Select(m => (Lane: l, Mark: m)))
            .ToArray();
        Assert.Equal(faults.Length, drawn.Length);
        Assert.All(drawn, fault => Assert.Matches($@"{Regex.Escape(fault.Lane.Label)}\b", fault.Mark.Detail));
    }

    [Fact]
    public void A_line_that_is_not_json_is_reported_with_its_number()
    {
        var error = Assert.Throws<FormatException>(() => TimelineBuilder.FromLines(["{\"type\":\"verdict\",\"t\":1,\"verdict\":\"pass\"}", "not json"]));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_from_the_trace_is_escaped_in_the_page()
    {
        var timeline = TimelineBuilder.FromLines([
            "{\"type\":\"fault\",\"t\":5,\"kind\":\"WorkerCrash\",\"text\":\"<script>alert(1)</script>\"}",
            "{\"type\":\"verdict\",\"t\":9,\"verdict\":\"pass\"}",
        ]);

        var html = TimelineHtml.Render(timeline);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
    }
}
