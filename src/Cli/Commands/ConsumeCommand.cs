using System.CommandLine;
using System.Net;
using Elsa.Sim.Cli.Kafka;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim consume</c>: runs one Elsa group member against any Kafka cluster, logs each batch and acks it,
/// and stops gracefully (final commit, leave the group) on Ctrl+C.</summary>
internal static class ConsumeCommand
{
    private const int DefaultConnectTimeoutMs = 10_000;

    public static Command Create(Io io)
    {
        var bootstrap = new Option<string?>("--bootstrap") { Description = "The brokers, HOST:PORT[,HOST:PORT…].", HelpName = "host:port" };
        var group = new Option<string?>("--group") { Description = "The consumer group to join." };
        var topics = new Option<string[]>("--topic") { Description = "A topic to consume; repeat for more.", AllowMultipleArgumentsPerToken = false };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start partitions with no commit at the earliest offset (default: latest)." };
        var connectTimeout = WholeNumberOption.Create(
            "--connect-timeout-ms", "How long to wait for a broker to answer before deciding the cluster is unreachable.", DefaultConnectTimeoutMs);
        var verbose = new Option<bool>("--verbose") { Description = "Log the consumer's and librdkafka's information and debug lines too (default: warnings and errors)." };
        var command = new Command(
            "consume",
            "Run one member of an Elsa consumer group against a Kafka cluster: log each batch (partition, offsets, count), ack " +
            "it, and on Ctrl+C stop gracefully (final commit, leave the group). Warnings and errors are logged to standard " +
            "error. Exit codes: 0 stopped cleanly; 1 the consumer failed; 2 bad usage; 5 no broker answered within " +
            "--connect-timeout-ms; 6 a topic does not exist; 70 internal error.")
        {
            bootstrap,
            group,
            topics,
            fromBeginning,
            connectTimeout,
            verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var servers = parse.GetValue(bootstrap);
            var groupName = parse.GetValue(group);
            var topicNames = parse.GetValue(topics) ?? [];
            if (string.IsNullOrWhiteSpace(servers))
            {
                problems.Add("--bootstrap is required (HOST:PORT)");
            }
            else
            {
                foreach (var server in servers.Split(','))
                {
                    if (!IsHostPort(server.Trim()))
                    {
                        problems.Add($"--bootstrap: '{server.Trim()}' is not HOST:PORT");
                    }
                }
            }

            if (string.IsNullOrWhiteSpace(groupName))
            {
                problems.Add("--group is required");
            }

            if (topicNames.Length == 0)
            {
                problems.Add("--topic is required (at least one)");
            }

            foreach (var topic in topicNames.Where(string.IsNullOrWhiteSpace))
            {
                problems.Add($"--topic must name a topic (was '{topic}')");
            }

            var connectTimeoutMs = parse.GetValue(connectTimeout);
            if (connectTimeoutMs < 1)
            {
                problems.Add($"--connect-timeout-ms must be at least 1 (was {connectTimeoutMs})");
            }

            if (problems.Count > 0)
            {
                return Usage.Fail(io.Error, command.Name, problems);
            }

            var options = new KafkaConsumerOptions
            {
                BootstrapServers = servers!,
                Group = groupName!,
                Topics = [.. topicNames.Distinct()],
                Handler = typeof(LoggingHandler),
                HandlerInitArgs = io.Console,
                Config = new ElsaConsumerConfig { BeginOffset = parse.GetValue(fromBeginning) ? StartPosition.Earliest : StartPosition.Latest },
            };
            using var loggers = LoggerFactory.Create(logging => logging
                .AddProvider(new ErrorStreamLoggerProvider(io.Error))
                .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning));
            ElsaConsumer consumer;
            try
            {
                consumer = KafkaConsumers.Create(options, loggers);
            }
            catch (InvalidConfigurationException e)
            {
                return Usage.Fail(io.Error, command.Name, e.Problems);
            }

            var answer = ClusterCheck.Ask(options.BootstrapServers, [.. options.Topics], TimeSpan.FromMilliseconds(connectTimeoutMs), loggers.CreateLogger(typeof(ClusterCheck)));
            if (!answer.Reachable)
            {
                await io.Error.WriteLineAsync(
                    $"elsa-sim consume: no broker of {options.BootstrapServers} answered within {connectTimeoutMs} ms: check the address " +
                    "and that the cluster is up (--connect-timeout-ms waits longer; --verbose shows librdkafka's attempts)");
                await consumer.DisposeAsync();
                return ExitCodes.BrokerUnreachable;
            }

            if (answer.MissingTopics.Count > 0)
            {
                await io.Error.WriteLineAsync(
                    $"elsa-sim consume: the cluster at {options.BootstrapServers} has no topic {string.Join(", ", answer.MissingTopics.Select(t => $"'{t}'"))}: " +
                    "check the name, or create the topic first");
                await consumer.DisposeAsync();
                return ExitCodes.UnknownTopic;
            }

            await using (consumer)
            {
                consumer.DiagnosticReported += (_, d) => io.Error.WriteLine($"elsa-sim consume: {d.Kind}: {d.Detail}");
                io.Console.WriteLine($"consuming {string.Join(", ", options.Topics)} as group {options.Group} from {options.BootstrapServers}; Ctrl+C stops");
                await consumer.StartAsync(CancellationToken.None);
                var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (cancellationToken.Register(() => stopped.TrySetResult()))
                {
                    await Task.WhenAny(stopped.Task, consumer.Completion);
                }

                io.Console.WriteLine("stopping: finishing batches, committing, leaving the group");
                await consumer.StopAsync(CancellationToken.None);
                try
                {
                    await consumer.Completion;
                }
                catch (ElsaConsumerFailedException e)
                {
                    io.Error.WriteLine($"elsa-sim consume: the consumer failed: {e.Reason}");
                    return ExitCodes.Violation;
                }

                io.Console.WriteLine("stopped");
                return ExitCodes.Passed;
            }
        });
        return command;
    }

    private static bool IsHostPort(string server)
    {
        var colon = server.LastIndexOf(':');
        return colon > 0 && colon < server.Length - 1
            && ushort.TryParse(server.AsSpan(colon + 1), out var port) && port > 0
            && (Uri.CheckHostName(server[..colon].Trim('[', ']')) != UriHostNameType.Unknown || IPAddress.TryParse(server[..colon].Trim('[', ']'), out _));
    }
}

/// <summary>The consume command's handler: one line per batch (topic, partition, offsets, count), then ack.</summary>
internal sealed class LoggingHandler : IMessageHandler
{
    private IAnsiConsole? _console;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _console = (IAnsiConsole)context.InitArgs!;
        return ValueTask.CompletedTask;
    }

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count > 0)
        {
            var first = messages[0];
            var line = $"{first.Topic}/{first.Partition} offsets {first.Offset}..{messages[^1].Offset} ({messages.Count} message{(messages.Count == 1 ? "" : "s")}, generation {first.GenerationId})";
            lock (_console!)
            {
                _console.WriteLine(line);
            }
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
