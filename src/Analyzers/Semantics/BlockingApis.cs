using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace AsyncGen.Analyzers.Semantics;

/// <summary>
/// The table of BCL APIs known to block the calling thread, keyed by the metadata name of the declaring type.
/// Methods with an async twin of the same shape are also caught generically by <see cref="BlockingCallClassifier"/>;
/// this table names the ones whose alternative is not a same-named <c>…Async</c> method, or gives a better message.
/// </summary>
internal static class BlockingApis
{
    private static readonly Dictionary<string, string[]> s_methodsByType = new(StringComparer.Ordinal)
    {
        ["System.Threading.Thread"] = ["Sleep", "Join", "SpinWait"],
        ["System.Threading.Tasks.Task"] = ["Wait", "WaitAll", "WaitAny", "RunSynchronously"],
        ["System.Threading.Tasks.Parallel"] = ["For", "ForEach", "Invoke"],
        ["System.Threading.Monitor"] = ["Wait"],
        ["System.Threading.SemaphoreSlim"] = ["Wait"],
        ["System.Threading.ManualResetEventSlim"] = ["Wait"],
        ["System.Threading.CountdownEvent"] = ["Wait"],
        ["System.Threading.Barrier"] = ["SignalAndWait"],
        ["System.Threading.SpinWait"] = ["SpinUntil"],
        ["System.Threading.WaitHandle"] = ["WaitOne", "WaitAll", "WaitAny", "SignalAndWait"],
        ["System.Collections.Concurrent.BlockingCollection`1"] = ["Add", "Take", "AddToAny", "TakeFromAny", "GetConsumingEnumerable"],
        ["System.IO.Stream"] = ["Read", "ReadByte", "ReadExactly", "ReadAtLeast", "Write", "WriteByte", "Flush", "CopyTo"],
        ["System.IO.File"] =
        [
            "ReadAllText", "ReadAllBytes", "ReadAllLines", "ReadLines",
            "WriteAllText", "WriteAllBytes", "WriteAllLines", "AppendAllText", "AppendAllLines",
        ],
        ["System.Console"] = ["Read", "ReadLine", "ReadKey"],
        ["System.Net.Sockets.Socket"] =
        [
            "Accept", "Connect", "Disconnect", "Receive", "ReceiveFrom", "ReceiveMessageFrom",
            "Send", "SendTo", "SendFile", "Poll", "Select",
        ],
        ["System.Net.Sockets.TcpClient"] = ["Connect"],
        ["System.Net.Sockets.TcpListener"] = ["AcceptSocket", "AcceptTcpClient"],
        ["System.Net.Sockets.UdpClient"] = ["Receive", "Send"],
        ["System.Net.Http.HttpClient"] = ["Send"],
        ["System.Net.Dns"] = ["GetHostEntry", "GetHostAddresses", "GetHostByName", "Resolve"],
        ["System.Diagnostics.Process"] = ["WaitForExit", "WaitForInputIdle"],
    };

    /// <summary>True when <paramref name="method"/>, or the member it overrides, is in the table.</summary>
    public static bool Contains(IMethodSymbol method)
    {
        for (var current = method.OriginalDefinition; current is not null; current = current.OverriddenMethod?.OriginalDefinition)
        {
            if (s_methodsByType.TryGetValue(MetadataName(current.ContainingType), out var names)
                && Array.IndexOf(names, current.Name) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The full metadata name (<c>Namespace.Type`1</c>, nested types with <c>+</c>).</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            name = outer.MetadataName + "+" + name;
        }
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? name : ns.ToDisplayString() + "." + name;
    }
}
