using Xunit;

namespace Oms.Secrets.Tests.Support;

/// <summary>
/// Knows every secret a test created and checks text for them: no 4-character prefix of a text secret (they all start
/// with a marker the library never writes) and no 8-character window of any secret's encoding may appear.
/// </summary>
internal sealed class LeakDetector
{
    private const int PrefixLength = 4;
    private const int WindowLength = 8;
    private readonly List<(string Label, string Value, bool CheckPrefix)> _secrets = [];

    public string Text(string value, string label = "secret")
    {
        lock (_secrets)
        {
            _secrets.Add((label, value, true));
        }

        return value;
    }

    public TestEd25519Key Key(TestEd25519Key key, string label = "ed25519")
    {
        lock (_secrets)
        {
            _secrets.Add((label + " seed hex", key.SeedHex, false));
            _secrets.Add((label + " seed base64", key.SeedBase64, false));
            _secrets.Add((label + " pem", key.PemSecretPart, false));
        }

        return key;
    }

    /// <summary>Returns the first leak found in <paramref name="texts"/>, or null.</summary>
    public string? FindLeak(IEnumerable<string?> texts)
    {
        var all = texts.Where(t => !string.IsNullOrEmpty(t)).ToList();
        List<(string Label, string Value, bool CheckPrefix)> secrets;
        lock (_secrets)
        {
            secrets = [.. _secrets];
        }

        foreach (var (label, value, checkPrefix) in secrets)
        {
            foreach (var text in all)
            {
                if (checkPrefix && value.Length >= PrefixLength && text!.Contains(value[..PrefixLength], StringComparison.Ordinal))
                {
                    return $"the first {PrefixLength} characters of {label} appear in: {Excerpt(text, value[..PrefixLength])}";
                }

                for (var i = 0; i + WindowLength <= value.Length; i++)
                {
                    var window = value.Substring(i, WindowLength);
                    if (text!.Contains(window, StringComparison.Ordinal))
                    {
                        return $"{WindowLength} characters of {label} (offset {i}) appear in: {Excerpt(text, window)}";
                    }
                }
            }
        }

        return null;
    }

    public void AssertNoLeak(IEnumerable<string?> texts)
    {
        var leak = FindLeak(texts);
        Assert.True(leak is null, leak);
    }

    public int Count
    {
        get
        {
            lock (_secrets)
            {
                return _secrets.Count;
            }
        }
    }

    // Shows where the match is without printing the secret itself in the test output.
    private static string Excerpt(string text, string match)
    {
        var at = text.IndexOf(match, StringComparison.Ordinal);
        var start = Math.Max(0, at - 40);
        return text.Substring(start, at - start) + "[…]";
    }
}
