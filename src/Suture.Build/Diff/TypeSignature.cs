namespace Suture.Build.Diff;

/// <summary>
/// What a variable's declared type says about its memory: <see cref="Layout"/> is compared
/// between builds (typedefs resolved; sizes, encodings, members with offsets and bit fields,
/// array bounds, qualifiers, pointees by name), <see cref="Display"/> is how a message shows it
/// (as written, one level deep).
/// </summary>
internal sealed record TypeSignature(string Layout, string Display);
