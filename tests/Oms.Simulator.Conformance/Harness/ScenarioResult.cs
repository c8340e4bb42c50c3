using System.Text.Json;
using Xunit.Sdk;

namespace Oms.Simulator.Conformance.Harness;

/// <summary>What a node scenario reported: <c>{"ok", "steps": {name: value}, "error"}</c>.</summary>
public sealed class ScenarioResult(string script, JsonElement root, string stderr)
{
    public string Script { get; } = script;

    public JsonElement Root { get; } = root;

    public bool Ok => Root.GetProperty("ok").GetBoolean();

    public JsonElement Steps => Root.GetProperty("steps");

    public JsonElement Error => Root.GetProperty("error");

    /// <summary>Fails the test with the scenario's error (SDK error name, message, Binance code) unless it succeeded.</summary>
    public ScenarioResult AssertOk()
    {
        if (!Ok)
        {
            throw new XunitException(
                $"scenario {Script} failed: {Error}\ncompleted steps: {string.Join(", ", Steps.EnumerateObject().Select(p => p.Name))}\nstderr (tail): {Tail(stderr)}");
        }

        return this;
    }

    /// <summary>A recorded step; fails when the scenario did not reach it.</summary>
    public JsonElement Step(string name) => Steps.TryGetProperty(name, out var value)
        ? value
        : throw new XunitException($"scenario {Script} has no step '{name}' (ok={Ok}, error={Error})");

    /// <summary>The response body of a recorded SDK call (<c>steps.name.data</c>).</summary>
    public JsonElement Data(string name) => Step(name).GetProperty("data");

    private static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];
}
