using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace Elsa.Sim.Cli.Options;

/// <summary>Options that take a whole number and, when the value is not one, say so in words ("--members takes a whole
/// number") instead of System.CommandLine's "as expected type 'System.Int32'".</summary>
internal static class WholeNumberOption
{
    /// <summary>An option of a whole number, <paramref name="defaultValue"/> when it is not given.</summary>
    public static Option<T> Create<T>(string name, string description, T defaultValue)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(name)
        {
            Description = description,
            HelpName = "number",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse<T>(name, result) ?? defaultValue,
        };

    /// <summary>An option of a whole number, null when it is not given.</summary>
    public static Option<T?> Optional<T>(string name, string description)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        new(name)
        {
            Description = description,
            HelpName = "number",
            CustomParser = result => Parse<T>(name, result),
        };

    private static T? Parse<T>(string name, ArgumentResult result)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T>
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[^1].Value;
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // Unsigned seeds are where a range helps: "-1" is a whole number, just not one a seed can be.
        var range = T.IsZero(T.MinValue) ? $" from 0 to {T.MaxValue}" : "";
        result.AddError($"{name} takes a whole number{range} (was '{text}')");
        return null;
    }
}
