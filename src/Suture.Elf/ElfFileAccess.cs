namespace Suture.Elf;

/// <summary>Turns file system failures into <see cref="SutureException"/>s that name the path.</summary>
internal static class ElfFileAccess
{
    public static T Run<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (FileNotFoundException exception)
        {
            throw new SutureException($"{path}: no such file", ExitCode.Failure, exception);
        }
        catch (DirectoryNotFoundException exception)
        {
            throw new SutureException($"{path}: no such file or directory", ExitCode.Failure, exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new SutureException($"{path}: permission denied; run as a user that can read it", ExitCode.PermissionDenied, exception);
        }
        catch (IOException exception)
        {
            throw new SutureException($"{path}: cannot read the file: {exception.Message}", ExitCode.Failure, exception);
        }
    }
}
