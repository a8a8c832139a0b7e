using Suture.Format;

namespace Suture.Build;

/// <summary>A patch built for one of the requested targets.</summary>
/// <param name="TargetPath">The <c>--target</c> the patch is bound to.</param>
public sealed record BuiltPatch(string TargetPath, PatchFile Patch);
