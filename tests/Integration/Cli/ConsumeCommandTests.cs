using System.Diagnostics;
using System.Text.RegularExpressions;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Kafka.MockCluster;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Cli;

/// <summary><c>elsa-sim consume</c> as a separate process against the mock cluster: it logs and acks every batch, and
/// SIGINT (Ctrl+C) stops it gracefully with everything committed.</summary>
public sealed partial class ConsumeCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Consume_logs_and_acks_every_batch_and_stops_gracefully_on_ctrl_c_with_everything_committed()
    {
        const string topic = "clicks";
        const string group = "click-counters";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 3);
        var ends = await ProduceAsync(cluster, topic, partitions: 3, count: 30);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "elsa-sim.dll"), "consume", "--bootstrap", cluster.BootstrapServers.Split(',')[0],
                     "--group", group, "--topic", topic, "--from-beginning" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var lines = new List<string>();
        var handled = 0;
        var allHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
                if (Batch().Match(e.Data) is { Success: true } batch && (handled += int.Parse(batch.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture)) >= 30)
                {
                    allHandled.TrySetResult();
                }
            }
        };
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntil(allHandled.Task, "the consume command to log batches covering all 30 messages");
            // Commits go out on the commit interval (5 s by default); a graceful stop commits what was acked.
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TestClients.Limit);
            await process.WaitForExitAsync(patience.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            lock (lines)
            {
                output.WriteLine(string.Join(Environment.NewLine, lines));
            }

            lock (errors)
            {
                output.WriteLine(string.Join(Environment.NewLine, errors));
            }
        }

        Assert.Equal(0, process.ExitCode);
        lock (lines)
        {
            Assert.Contains(lines, l => l.StartsWith("stopping:", StringComparison.Ordinal));
            Assert.Equal("stopped", lines[^1]);
        }

        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
    }

    [Fact]
    public void Consume_without_its_options_names_every_problem_and_exits_2()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = Elsa.Sim.Cli.Cli.Run(["consume", "--bootstrap", "nohost"], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Equal(
            ["elsa-sim consume: 3 problems:", "  - --bootstrap: 'nohost' is not HOST:PORT", "  - --group is required",
                "  - --topic is required (at least one)", "Run 'elsa-sim consume --help' for usage."],
            stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Consume_with_no_broker_at_the_address_says_so_after_its_connect_timeout_and_exits_5()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = Elsa.Sim.Cli.Cli.Run(["consume", "--bootstrap", "127.0.0.1:1", "--group", "g", "--topic", "t", "--connect-timeout-ms", "1000"], stdout, stderr);

        Assert.Equal(5, exit);
        Assert.Equal(
            "elsa-sim consume: no broker of 127.0.0.1:1 answered within 1000 ms: check the address and that the cluster is up " +
            "(--connect-timeout-ms waits longer; --verbose shows librdkafka's attempts)",
            stderr.ToString().Trim());
    }

    [Fact]
    public void Consume_with_verbose_shows_librdkafkas_attempts_too()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = Elsa.Sim.Cli.Cli.Run(["consume", "--bootstrap", "127.0.0.1:1", "--group", "g", "--topic", "t", "--connect-timeout-ms", "1000", "--verbose"], stdout, stderr);

        Assert.Equal(5, exit);
        Assert.Contains("dbug: ClusterCheck: librdkafka ", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Consume_of_a_topic_the_cluster_does_not_have_names_it_and_exits_6()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("clicks", partitions: 1);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var bootstrap = cluster.BootstrapServers;

        var exit = Elsa.Sim.Cli.Cli.Run(["consume", "--bootstrap", bootstrap, "--group", "g", "--topic", "clicks", "--topic", "clikcs"], stdout, stderr);

        Assert.Equal(6, exit);
        Assert.Equal(
            $"elsa-sim consume: the cluster at {bootstrap} has no topic 'clikcs': check the name, or create the topic first",
            stderr.ToString().Trim());
    }

    [Fact]
    public async Task Consume_logs_the_consumers_warnings_to_standard_error_by_default_once_each()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("clicks", partitions: 1);
        using var stdout = new LineWriter();
        using var stderr = new LineWriter();
        using var ctrlC = new CancellationTokenSource();
        var run = Elsa.Sim.Cli.Cli.RunAsync(["consume", "--bootstrap", cluster.BootstrapServers, "--group", "g", "--topic", "clicks"], stdout, stderr, ctrlC.Token);
        try
        {
            await WaitUntil(stdout.LineAsync(l => l.StartsWith("consuming clicks", StringComparison.Ordinal)), "the consume command to start");
            cluster.SetBrokerDown(1);
            await WaitUntil(stderr.LineAsync(l => l.StartsWith("warn: ConfluentConsumerPort: Kafka error Local_Transport", StringComparison.Ordinal)),
                "the consumer's warning that the broker is down");
            cluster.SetBrokerUp(1);
        }
        finally
        {
            await ctrlC.CancelAsync();
            await WaitUntil(run, "the consume command to stop after Ctrl+C");
            output.WriteLine(stderr.ToString());
        }

        Assert.Equal(0, await run);
        Assert.Single(stderr.Lines, l => l.StartsWith("warn: ConfluentConsumerPort: Kafka error Local_Transport: ", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr.Lines, l => l.StartsWith("dbug:", StringComparison.Ordinal) || l.StartsWith("info:", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^clicks/\d+ offsets \d+\.\.\d+ \((?<count>\d+) messages?, generation \d+\)$")]
    private static partial Regex Batch();
}
