using System.Runtime.InteropServices;

namespace Suture.Native;

/// <summary>Loading and removing kernel modules (finit_module, delete_module), errors as <see cref="NativeCallException"/>.</summary>
internal static class KernelModules
{
    /// <summary>Loads the module file at <paramref name="path"/>; the kernel runs its init (for a livepatch module: klp_enable_patch).</summary>
    public static void Load(string path)
    {
        using SafeHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        int fd = (int)file.DangerousGetHandle();
        if (Interop.SyscallFinitModule(Interop.SYS_finit_module, fd, "", 0) != 0)
        {
            throw new NativeCallException("finit_module", path, Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>
    /// Loads the module image <paramref name="image"/> (init_module): the bytes a caller verified
    /// are the bytes the kernel loads. <paramref name="path"/> names it in errors.
    /// </summary>
    public static void Load(byte[] image, string path)
    {
        if (image.Length == 0 || Interop.SyscallInitModule(Interop.SYS_init_module, ref image[0], (nuint)image.Length, "") != 0)
        {
            throw new NativeCallException("init_module", path, image.Length == 0 ? 8 : Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Removes module <paramref name="name"/>, failing at once (EWOULDBLOCK/EBUSY) while it is in use.</summary>
    public static void Remove(string name)
    {
        if (Interop.SyscallDeleteModule(Interop.SYS_delete_module, name, Interop.O_NONBLOCK_DELETE) != 0)
        {
            throw new NativeCallException("delete_module", name, Marshal.GetLastPInvokeError());
        }
    }
}
