using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Suture.Server.Data.Entities;

namespace Suture.Server.Data;

/// <summary>
/// The server's schema. One model for both providers; each provider has its own context type
/// (<see cref="SqliteServerDb"/>, <see cref="PostgresServerDb"/>) only so that each has its own
/// generated migrations (docs/decisions.md). Times are stored as Unix milliseconds (sortable and
/// comparable on SQLite, exact on both, so the audit hashes survive a round trip); enums as names.
/// </summary>
internal abstract class ServerDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Feed> Feeds => Set<Feed>();

    public DbSet<RegistrationKey> RegistrationKeys => Set<RegistrationKey>();

    public DbSet<ManagedHost> Hosts => Set<ManagedHost>();

    public DbSet<HostTag> HostTags => Set<HostTag>();

    public DbSet<HostObject> HostObjects => Set<HostObject>();

    public DbSet<HostProcess> HostProcesses => Set<HostProcess>();

    public DbSet<HostResult> HostResults => Set<HostResult>();

    public DbSet<Patch> Patches => Set<Patch>();

    public DbSet<PatchCve> PatchCves => Set<PatchCve>();

    public DbSet<PatchContent> PatchContents => Set<PatchContent>();

    public DbSet<FeedPatch> FeedPatches => Set<FeedPatch>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<User> Users => Set<User>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        configurationBuilder.Properties<Protocol.Admin.ApprovalMode>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Protocol.Admin.FeedPatchState>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Feed>(e =>
        {
            e.Property(f => f.Name).HasMaxLength(64);
            e.HasIndex(f => f.Name).IsUnique();
            e.HasOne<Feed>().WithMany().HasForeignKey(f => f.PromotesFromId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<RegistrationKey>(e =>
        {
            e.Property(k => k.KeyHash).HasMaxLength(64);
            e.Property(k => k.Prefix).HasMaxLength(16);
            e.Property(k => k.Description).HasMaxLength(256);
            e.HasIndex(k => k.KeyHash).IsUnique();
            e.HasOne(k => k.Feed).WithMany().HasForeignKey(k => k.FeedId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<ManagedHost>(e =>
        {
            e.Property(h => h.Id).HasMaxLength(32);
            e.Property(h => h.TokenHash).HasMaxLength(64);
            e.Property(h => h.Hostname).HasMaxLength(255);
            e.Property(h => h.MachineId).HasMaxLength(64);
            e.Property(h => h.InventoryDigest).HasMaxLength(71);
            e.Property(h => h.AgentVersion).HasMaxLength(64);
            e.HasIndex(h => h.TokenHash).IsUnique();
            e.HasIndex(h => new { h.RegistrationKeyId, h.MachineId });
            e.HasIndex(h => h.FeedId);
            e.HasOne(h => h.Feed).WithMany().HasForeignKey(h => h.FeedId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<RegistrationKey>().WithMany().HasForeignKey(h => h.RegistrationKeyId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(h => h.Tags).WithOne().HasForeignKey(t => t.HostId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(h => h.Objects).WithOne().HasForeignKey(o => o.HostId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<HostTag>(e =>
        {
            e.HasKey(t => new { t.HostId, t.Tag });
            e.Property(t => t.Tag).HasMaxLength(64);
            e.HasIndex(t => t.Tag);
        });
        modelBuilder.Entity<HostObject>(e =>
        {
            e.Property(o => o.BuildId).HasMaxLength(128);
            e.Property(o => o.Path).HasMaxLength(4096);
            e.Property(o => o.Package).HasMaxLength(256);
            e.Property(o => o.Version).HasMaxLength(256);
            e.HasIndex(o => new { o.HostId, o.BuildId });
            e.HasIndex(o => o.BuildId);
            e.HasMany(o => o.Processes).WithOne().HasForeignKey(p => p.HostObjectId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<HostProcess>(e =>
        {
            e.Property(p => p.Command).HasMaxLength(256);
            e.Property(p => p.PatchId).HasMaxLength(256);
        });
        modelBuilder.Entity<HostResult>(e =>
        {
            e.HasIndex(r => new { r.HostId, r.ResultId }).IsUnique();
            e.HasIndex(r => r.PatchSha256);
            e.Property(r => r.PatchSha256).HasMaxLength(64);
            e.Property(r => r.BuildId).HasMaxLength(128);
            e.Property(r => r.Action).HasMaxLength(16);
            e.Property(r => r.Outcome).HasMaxLength(16);
            e.Property(r => r.Message).HasMaxLength(4096);
            e.HasOne<ManagedHost>().WithMany().HasForeignKey(r => r.HostId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Patch>(e =>
        {
            e.Property(p => p.Sha256).HasMaxLength(64);
            e.Property(p => p.PatchId).HasMaxLength(256);
            e.Property(p => p.BuildId).HasMaxLength(128);
            e.Property(p => p.ObjectName).HasMaxLength(4096);
            e.Property(p => p.Package).HasMaxLength(256);
            e.Property(p => p.Version).HasMaxLength(256);
            e.Property(p => p.Signature).HasMaxLength(64);
            e.HasIndex(p => p.Sha256).IsUnique();
            e.HasIndex(p => new { p.BuildId, p.Level }).IsUnique();
            e.HasMany(p => p.Cves).WithOne().HasForeignKey(c => c.PatchId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<PatchCve>(e =>
        {
            e.HasKey(c => new { c.PatchId, c.Cve });
            e.Property(c => c.Cve).HasMaxLength(64);
            e.HasIndex(c => c.Cve);
        });
        modelBuilder.Entity<PatchContent>(e =>
        {
            e.HasKey(c => c.PatchId);
            e.HasOne<Patch>().WithOne().HasForeignKey<PatchContent>(c => c.PatchId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<FeedPatch>(e =>
        {
            e.HasKey(fp => new { fp.FeedId, fp.PatchId });
            e.HasOne<Feed>().WithMany().HasForeignKey(fp => fp.FeedId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(fp => fp.Patch).WithMany().HasForeignKey(fp => fp.PatchId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.Actor).HasMaxLength(128);
            e.Property(a => a.Action).HasMaxLength(64);
            e.Property(a => a.Subject).HasMaxLength(256);
            e.Property(a => a.Remote).HasMaxLength(64);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
        });
        modelBuilder.Entity<ApiToken>(e =>
        {
            e.Property(t => t.TokenHash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(16);
            e.Property(t => t.Name).HasMaxLength(128);
            e.Property(t => t.Role).HasMaxLength(16);
            e.HasIndex(t => t.TokenHash).IsUnique();
            e.HasIndex(t => t.UserId);
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<User>(e =>
        {
            e.Property(u => u.Name).HasMaxLength(64);
            e.Property(u => u.Role).HasMaxLength(16);
            e.Property(u => u.PasswordHash).HasMaxLength(256);
            e.Property(u => u.SessionStamp).HasMaxLength(64);
            e.HasIndex(u => u.Name).IsUnique();
        });
    }

    /// <summary>Refuses to change or remove an audit entry: the log is append-only.</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditEdits();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditEdits();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    private void RefuseAuditEdits()
    {
        foreach (EntityEntry<AuditEntry> entry in ChangeTracker.Entries<AuditEntry>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException($"audit entry {entry.Entity.Id}: the audit log is append-only; entries are never changed or removed");
            }
        }
    }

    internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));
}

/// <summary>The schema on SQLite (the default: one file in the data directory). Migrations in Data/Migrations/Sqlite.</summary>
internal sealed class SqliteServerDb(DbContextOptions<SqliteServerDb> options) : ServerDb(options);

/// <summary>The schema on PostgreSQL. Migrations in Data/Migrations/Postgres.</summary>
internal sealed class PostgresServerDb(DbContextOptions<PostgresServerDb> options) : ServerDb(options);
