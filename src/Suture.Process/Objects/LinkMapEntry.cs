namespace Suture.Process.Objects;

/// <summary>One <c>struct link_map</c> of the dynamic linker's chain.</summary>
/// <param name="Address">Where the entry is in the process.</param>
/// <param name="LoadBias">l_addr: run-time address minus link-time address.</param>
/// <param name="Name">l_name: empty for the main program, <c>linux-vdso.so.1</c> for the vDSO, else the path ld.so opened.</param>
/// <param name="Dynamic">l_ld: run-time address of the object's dynamic section.</param>
/// <param name="Loaded">The loaded object the entry describes, or null when none matches (the vDSO, which is not a file).</param>
public sealed record LinkMapEntry(ulong Address, ulong LoadBias, string Name, ulong Dynamic, LoadedObject? Loaded);
