using System.Globalization;
using System.Text;
using Elsa.Sim.Core;

namespace HandlerTesting;

/// <summary>A payment message: the key names the account, the value is the amount (the kit's default messages).</summary>
public readonly record struct Payment(string Account, long Amount)
{
    public static Payment Of(ConsumedMessage message) => new(
        Encoding.UTF8.GetString(message.Key.Span),
        long.Parse(Encoding.UTF8.GetString(message.Value.Span), CultureInfo.InvariantCulture));
}
