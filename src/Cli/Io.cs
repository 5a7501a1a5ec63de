using Spectre.Console;

namespace Elsa.Sim.Cli;

/// <summary>Where a command writes: results (tables, progress, stories) through <see cref="Console"/>, usage problems to
/// <see cref="Error"/>.</summary>
/// <param name="Console">Spectre's console over the output writer, with ANSI only on a real terminal.</param>
/// <param name="Error">The error writer.</param>
internal sealed record Io(IAnsiConsole Console, TextWriter Error);
