using System.Reflection;
using System.Text;
using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Configuration;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary><c>AddElsaConsumer(name, configuration)</c>: every option of <see cref="KafkaConsumerOptions"/> binds from an
/// appsettings.json section, and whatever does not bind fails the host at start in one error with the validator's
/// problems.</summary>
public sealed class ConfigurationBindingTests
{
    private const string EveryOption = """
        {
          "Kafka": {
            "Orders": {
              "Group": "order-handlers",
              "Topics": [ "orders", "refunds" ],
              "Handler": "Elsa.Sim.Integration.Tests.Adapter.AckingHandler",
              "HandlerInitArgs": { "Currency": "EUR" },
              "DirectAck": true,
              "CommitIntervalMs": 250,
              "CommitRetryBackoffMs": 75,
              "Config": {
                "MinBytes": 1,
                "MaxBytes": 2048,
                "MaxWaitTimeMs": 100,
                "SleepTimeoutMs": 50,
                "PrefetchCount": 7,
                "PrefetchBytes": 4096,
                "BeginOffset": "earliest",
                "OffsetResetPolicy": "reset_to_latest"
              },
              "Restart": {
                "BackoffMs": 10,
                "MaxBackoffMs": 20,
                "MaxRestarts": 5,
                "WithinMs": 60000,
                "WhenExhausted": "dead-letter"
              },
              "DeadLetterTopic": "orders.dlq",
              "DeadLetterProperties": { "message.timeout.ms": "5000" },
              "BootstrapServers": "127.0.0.1:9092",
              "GroupProtocol": "classic",
              "AssignmentStrategy": "cooperative-sticky",
              "GroupInstanceId": "orders-1",
              "SessionTimeoutMs": 6000,
              "RebalanceTimeoutMs": 20000,
              "RequestTimeoutMs": 3000,
              "KafkaProperties": { "queued.max.messages.kbytes": "1024" }
            }
          }
        }
        """;

    // Options a configuration cannot carry: delegates, objects, and the name, which is AddElsaConsumer's argument.
    private static readonly string[] CodeOnly =
    [
        nameof(KafkaConsumerOptions.Name), nameof(KafkaConsumerOptions.AssignmentReceivedHandler), nameof(KafkaConsumerOptions.AssignmentsRevokedHandler),
        nameof(KafkaConsumerOptions.DeadLetters),
    ];

    [Fact]
    public void Every_option_binds_from_an_appsettings_section()
    {
        using var services = new ServiceCollection().AddElsaConsumer("orders", Json(EveryOption).GetSection("Kafka:Orders")).BuildServiceProvider();

        var options = services.GetRequiredService<IOptionsMonitor<KafkaConsumerOptions>>().Get("orders");

        Assert.Equal("orders", options.Name);
        Assert.Equal("order-handlers", options.Group);
        Assert.Equal(["orders", "refunds"], options.Topics);
        Assert.Equal(typeof(AckingHandler), options.Handler);
        Assert.Equal("EUR", Assert.IsAssignableFrom<IConfigurationSection>(options.HandlerInitArgs)["Currency"]);
        Assert.True(options.DirectAck);
        Assert.Equal(250, options.CommitIntervalMs);
        Assert.Equal(75, options.CommitRetryBackoffMs);
        Assert.Equal(
            new ElsaConsumerConfig
            {
                MinBytes = 1, MaxBytes = 2048, MaxWaitTimeMs = 100, SleepTimeoutMs = 50, PrefetchCount = 7, PrefetchBytes = 4096,
                BeginOffset = StartPosition.Earliest, OffsetResetPolicy = OffsetResetPolicy.ResetToLatest,
            },
            options.Config);
        Assert.Equal(
            new RestartConfig { BackoffMs = 10, MaxBackoffMs = 20, MaxRestarts = 5, WithinMs = 60_000, WhenExhausted = RestartExhaustedPolicy.DeadLetter },
            options.Restart);
        Assert.Equal("orders.dlq", options.DeadLetterTopic);
        Assert.Equal(new Dictionary<string, string> { ["message.timeout.ms"] = "5000" }, options.DeadLetterProperties);
        Assert.Equal("127.0.0.1:9092", options.BootstrapServers);
        Assert.Equal(ConsumerGroupProtocol.Classic, options.GroupProtocol);
        Assert.Equal(AssignmentStrategy.CooperativeSticky, options.AssignmentStrategy);
        Assert.Equal("orders-1", options.GroupInstanceId);
        Assert.Equal(6_000, options.SessionTimeoutMs);
        Assert.Equal(20_000, options.RebalanceTimeoutMs);
        Assert.Equal(3_000, options.RequestTimeoutMs);
        Assert.Equal(new Dictionary<string, string> { ["queued.max.messages.kbytes"] = "1024" }, options.KafkaProperties);
    }

    [Fact]
    public void The_section_above_names_every_option_a_configuration_can_carry()
    {
        var section = Json(EveryOption).GetSection("Kafka:Orders");
        string[] Keys(IConfigurationSection s) => [.. s.GetChildren().Select(c => c.Key)];
        static string[] Settable(Type type) =>
            [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => p.Name)];

        Assert.Equal(Settable(typeof(KafkaConsumerOptions)).Except(CodeOnly).Order(), Keys(section).Order());
        Assert.Equal(Settable(typeof(ElsaConsumerConfig)).Order(), Keys(section.GetSection("Config")).Order());
        Assert.Equal(Settable(typeof(RestartConfig)).Order(), Keys(section.GetSection("Restart")).Order());
    }

    [Theory]
    [InlineData("earliest", StartPositionKind.Earliest, 0)]
    [InlineData("Latest", StartPositionKind.Latest, 0)]
    [InlineData("42", StartPositionKind.Offset, 42)]
    public void Begin_offset_binds_from_earliest_latest_or_an_offset(string value, StartPositionKind kind, long offset)
    {
        var configuration = Memory(new() { ["Orders:Config:BeginOffset"] = value });

        var position = Bound(configuration.GetSection("Orders")).Config.BeginOffset;

        Assert.Equal(kind, position.Kind);
        Assert.Equal(offset, position.Offset);
    }

    [Theory]
    [InlineData("AckingHandler")]
    [InlineData("Elsa.Sim.Integration.Tests.Adapter.AckingHandler, Elsa.Sim.Integration.Tests")]
    public void The_handler_binds_from_its_type_name(string name)
    {
        var configuration = Memory(new() { ["Orders:Handler"] = name });

        Assert.Equal(typeof(AckingHandler), Bound(configuration.GetSection("Orders")).Handler);
    }

    [Fact]
    public async Task A_host_with_a_bad_configuration_fails_at_start_with_one_error_naming_every_bad_key_and_value()
    {
        var configuration = Memory(new()
        {
            ["Kafka:Orders:Topics:0"] = "orders",
            ["Kafka:Orders:Handler"] = "NoSuchHandler",
            ["Kafka:Orders:BootstrapServers"] = "127.0.0.1:9092",
            ["Kafka:Orders:CommitIntervalMs"] = "often",
            ["Kafka:Orders:AssignmentStrategy"] = "sideways",
            ["Kafka:Orders:Config:BeginOfset"] = "earliest",
            ["Kafka:Orders:Config:BeginOffset"] = "soon",
            ["Kafka:Orders:Restart:WhenExhausted"] = "1",
            ["Kafka:Orders:Name"] = "payments",
        });
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddElsaConsumer("orders", configuration.GetSection("Kafka:Orders"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            [
                "Kafka:Orders:Name: cannot be set from configuration: it is the name given to AddElsaConsumer",
                "Kafka:Orders:Handler: 'NoSuchHandler' names no loaded IMessageHandler type (write Namespace.Type, or Namespace.Type, Assembly)",
                "Kafka:Orders:CommitIntervalMs: 'often' is not a whole number",
                "Kafka:Orders:Config:BeginOffset: 'soon' is not earliest, latest or an offset (a whole number from 0)",
                "Kafka:Orders:Config:BeginOfset: unknown key (value 'earliest'); the keys here are BeginOffset, MaxBytes, MaxWaitTimeMs, MinBytes, OffsetResetPolicy, PrefetchBytes, PrefetchCount, SleepTimeoutMs",
                "Kafka:Orders:Restart:WhenExhausted: '1' is not one of FailGroup, ParkPartition, DeadLetter",
                "Kafka:Orders:AssignmentStrategy: 'sideways' is not one of Range, RoundRobin, CooperativeSticky",
                "group must be a non-empty name",
                "handler must name an IMessageHandler type: the consumer creates one per worker",
            ],
            error.Failures);
    }

    [Fact]
    public void An_unknown_top_level_key_is_reported_with_the_keys_that_exist()
    {
        var configuration = Memory(new() { ["Orders:Topcis:0"] = "orders" });

        var options = new ServiceCollection()
            .AddElsaConsumer<AckingHandler>("orders", configuration.GetSection("Orders"))
            .BuildServiceProvider()
            .GetRequiredService<IOptionsMonitor<KafkaConsumerOptions>>();
        var error = Assert.Throws<OptionsValidationException>(() => options.Get("orders"));

        Assert.StartsWith("Orders:Topcis: unknown key; the keys here are AssignmentReceivedHandler, AssignmentStrategy,", error.Failures.First(), StringComparison.Ordinal);
        Assert.Contains("topics must name at least one topic", error.Failures);
    }

    /// <summary>The options <paramref name="section"/> binds to, with no binding problem.</summary>
    private static KafkaConsumerOptions Bound(IConfiguration section)
    {
        var options = new KafkaConsumerOptions();
        ElsaConsumerConfiguration.Bind(section, options);
        Assert.Empty(options.ConfigurationProblems);
        return options;
    }

    private static IConfigurationRoot Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static IConfigurationRoot Memory(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
