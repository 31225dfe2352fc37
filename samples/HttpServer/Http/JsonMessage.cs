using System.Text.Json.Serialization;

namespace AsyncGen.Samples.HttpServer.Http;

/// <summary>The TechEmpower "json" test's object, serialized for every request. A struct: no allocation per request.</summary>
internal readonly record struct JsonMessage([property: JsonPropertyName("message")] string Message);

/// <summary>System.Text.Json's source-generated serializer for <see cref="JsonMessage"/> (no reflection at run time).</summary>
[JsonSerializable(typeof(JsonMessage))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
