namespace Suture.Format;

/// <summary>Where a relocation's symbol lives. Numeric values are part of the file format.</summary>
public enum PatchSymbolKind : byte
{
    /// <summary>Inside the patch image: S = image base + Value.</summary>
    Image = 1,

    /// <summary>In the target object: S = Value + load bias of the object.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name",
        Justification = "Names the target object of the patch; the value is part of the file format.")]
    Object = 2,

    /// <summary>In another loaded object, found by name (and version) the way the dynamic linker would.</summary>
    External = 3,
}
