using System.CommandLine;
using System.Globalization;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Kafka.MockCluster;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim broker</c>: librdkafka's Kafka mock cluster on its own (127.0.0.1 only), with the topics asked
/// for, until Ctrl+C, so that <c>consume</c> or any Kafka client can be tried without installing a broker.</summary>
internal static class BrokerCommand
{
    private const int MaxPartitions = 1_000;
    private const int MaxBrokers = 16;

    /// <summary>What the bootstrap line starts with; the address follows.</summary>
    public const string BootstrapPrefix = "bootstrap: ";

    public static Command Create(Io io)
    {
        var topics = new Option<string[]>("--topic")
        {
            Description = "A topic to create: NAME, or NAME:PARTITIONS (one partition when not said); repeat for more.",
            HelpName = "name[:partitions]",
            AllowMultipleArgumentsPerToken = false,
        };
        var brokers = WholeNumberOption.Create("--brokers", $"How many mock brokers (1 to {MaxBrokers}).", 1);
        var command = new Command(
            "broker",
            "Start librdkafka's Kafka mock cluster on 127.0.0.1 only, create the topics asked for, print its bootstrap address, " +
            "and serve until Ctrl+C, so that consume or any Kafka client can be pointed at it. It keeps about 5 MB per " +
            "partition and forgets everything when it stops. Exit codes: 0 stopped by Ctrl+C; 2 bad usage; 70 internal error.")
        {
            topics,
            brokers,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var wanted = (parse.GetValue(topics) ?? []).Select(text => ReadTopic(text, problems)).ToList();
            foreach (var duplicate in wanted.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Key.Length > 0 && g.Count() > 1))
            {
                problems.Add($"--topic names '{duplicate.Key}' more than once");
            }

            var brokerCount = parse.GetValue(brokers);
            if (brokerCount is < 1 or > MaxBrokers)
            {
                problems.Add($"--brokers must be 1 to {MaxBrokers} (was {brokerCount})");
            }

            if (problems.Count > 0)
            {
                return Usage.Fail(io.Error, command.Name, problems);
            }

            using var cluster = MockKafkaCluster.Start(brokerCount);
            foreach (var (name, partitions) in wanted)
            {
                cluster.CreateTopic(name, partitions);
            }

            io.Console.WriteLine($"{BootstrapPrefix}{cluster.BootstrapServers}");
            foreach (var (name, partitions) in wanted)
            {
                io.Console.WriteLine($"topic {name}: {partitions} partition{(partitions == 1 ? "" : "s")}");
            }

            io.Console.WriteLine("serving on 127.0.0.1 until Ctrl+C");
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(() => stopped.TrySetResult()))
            {
                await stopped.Task;
            }

            io.Console.WriteLine("stopped");
            return ExitCodes.Passed;
        });
        return command;
    }

    private static (string Name, int Partitions) ReadTopic(string text, ICollection<string> problems)
    {
        var colon = text.LastIndexOf(':');
        var name = colon < 0 ? text : text[..colon];
        var partitions = 1;
        if (string.IsNullOrWhiteSpace(name) ||
            (colon >= 0 && !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out partitions)) ||
            partitions is < 1 or > MaxPartitions)
        {
            problems.Add($"--topic takes NAME or NAME:PARTITIONS, with PARTITIONS from 1 to {MaxPartitions} (was '{text}')");
            return ("", 1);
        }

        return (name, partitions);
    }
}
