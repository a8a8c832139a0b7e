namespace Suture.Agent.Configuration;

/// <summary>Finds and reads the configuration file; a missing file at the default path means every default.</summary>
internal static class AgentConfigFile
{
    /// <summary>The file to use: the option, else <c>SUTURE_AGENT_CONFIG</c>, else <c>/etc/suture/agent.json</c>.</summary>
    public static string Choose(string? option) =>
        !string.IsNullOrEmpty(option) ? option
        : Environment.GetEnvironmentVariable(AgentConfig.EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : AgentConfig.DefaultPath;

    /// <exception cref="SutureException">A named file that is missing, or any file that does not parse or is out of bounds (exit 2).</exception>
    public static AgentConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            if (path == AgentConfig.DefaultPath)
            {
                return new AgentConfig();
            }

            throw new SutureException($"agent configuration {path} does not exist; create it (docs/agent.md#configuration) or give another --config", ExitCode.Usage);
        }

        AgentConfig config;
        try
        {
            config = AgentFiles.ReadJson(path, AgentJsonContext.Default.AgentConfig, "agent configuration", "see docs/agent.md#configuration for the fields")!;
        }
        catch (SutureException e)
        {
            throw new SutureException(e.Message, ExitCode.Usage, e);
        }

        IReadOnlyList<string> problems = config.Problems();
        if (problems.Count > 0)
        {
            throw new SutureException($"agent configuration {path}: {string.Join("; ", problems)}", ExitCode.Usage);
        }

        return config;
    }
}
