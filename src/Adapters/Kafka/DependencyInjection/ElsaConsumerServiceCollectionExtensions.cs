using System.Diagnostics.Metrics;
using Elsa.Sim.Kafka.Hosting;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Elsa.Sim.Kafka.DependencyInjection;

/// <summary>Registers an Elsa consumer in a .NET host.</summary>
public static class ElsaConsumerServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ElsaConsumerOptions"/> (validated when the host starts, naming every problem), one
    /// <see cref="ElsaConsumer"/> singleton whose handlers are created through the container, and the
    /// <see cref="ElsaConsumerHostedService"/> that starts it with the host and stops it gracefully.</summary>
    /// <param name="services">The container.</param>
    /// <param name="configure">Sets the options (or bind them from configuration here).</param>
    public static IServiceCollection AddElsaConsumer(this IServiceCollection services, Action<ElsaConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ElsaConsumerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ElsaConsumerOptions>, ElsaConsumerOptionsValidator>());
        services.TryAddSingleton(provider => new ElsaConsumer(
            provider.GetRequiredService<IOptions<ElsaConsumerOptions>>().Value,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            provider,
            provider.GetService<IMeterFactory>()));
        services.AddHostedService<ElsaConsumerHostedService>();
        return services;
    }
}
