using System.Globalization;
using System.Text;
using System.Xml;

namespace Suture.Patching.Host;

/// <summary>
/// OVAL 5.11 definitions for a scanner (OpenSCAP's <c>oscap oval eval</c>): one
/// <c>vulnerability</c> definition per CVE of the host state, true (vulnerable) while the CVE
/// is not listed as fixed in the state directory's <c>cves</c> file, which suture writes only
/// when every process mapping the object runs the fix. Built from the files a scanner reads,
/// so evaluating the same definitions later tells what the host runs then (docs/scanners.md).
/// </summary>
public static class OvalDefinitions
{
    private const string Definitions = "http://oval.mitre.org/XMLSchema/oval-definitions-5";
    private const string Common = "http://oval.mitre.org/XMLSchema/oval-common-5";
    private const string Independent = "http://oval.mitre.org/XMLSchema/oval-definitions-5#independent";
    private const string Namespace = "oval:dev.suture";

    public static byte[] Write(HostState state, string stateDirectory)
    {
        string cvesFile = Path.Combine(stateDirectory, "cves");
        using var stream = new MemoryStream();
        using (XmlWriter w = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("oval_definitions", Definitions);
            w.WriteAttributeString("xmlns", "oval", null, Common);
            w.WriteAttributeString("xmlns", "ind-def", null, Independent);
            w.WriteStartElement("generator", Definitions);
            w.WriteElementString("product_name", Common, "suture");
            w.WriteElementString("schema_version", Common, "5.11.2");
            w.WriteElementString("timestamp", Common, state.TakenUtc.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteEndElement();

            w.WriteStartElement("definitions", Definitions);
            for (int i = 0; i < state.Cves.Count; i++)
            {
                HostCve cve = state.Cves[i];
                w.WriteStartElement("definition", Definitions);
                w.WriteAttributeString("id", $"{Namespace}:def:{i + 1}");
                w.WriteAttributeString("version", "1");
                w.WriteAttributeString("class", "vulnerability");
                w.WriteStartElement("metadata", Definitions);
                w.WriteElementString("title", Definitions, $"{cve.Id}: running processes not all live-patched by {string.Join(", ", cve.Patches)}");
                w.WriteStartElement("reference", Definitions);
                w.WriteAttributeString("source", "CVE");
                w.WriteAttributeString("ref_id", cve.Id);
                w.WriteEndElement();
                w.WriteElementString("description", Definitions, $"True while {cve.Id} is not listed in {cvesFile}, which suture writes only when every running process that maps {string.Join(", ", cve.Objects)} runs the fix. {HostStateWriter.RestartNote}.");
                w.WriteEndElement();
                w.WriteStartElement("criteria", Definitions);
                w.WriteStartElement("criterion", Definitions);
                w.WriteAttributeString("test_ref", $"{Namespace}:tst:{i + 1}");
                w.WriteAttributeString("comment", $"{cve.Id} is not listed as fixed in {cvesFile}");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteStartElement("tests", Definitions);
            for (int i = 0; i < state.Cves.Count; i++)
            {
                w.WriteStartElement("ind-def", "textfilecontent54_test", Independent);
                w.WriteAttributeString("id", $"{Namespace}:tst:{i + 1}");
                w.WriteAttributeString("version", "1");
                w.WriteAttributeString("check", "all");
                w.WriteAttributeString("check_existence", "none_exist");
                w.WriteAttributeString("comment", $"no line {state.Cves[i].Id} in {cvesFile}");
                w.WriteStartElement("ind-def", "object", Independent);
                w.WriteAttributeString("object_ref", $"{Namespace}:obj:{i + 1}");
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteStartElement("objects", Definitions);
            for (int i = 0; i < state.Cves.Count; i++)
            {
                w.WriteStartElement("ind-def", "textfilecontent54_object", Independent);
                w.WriteAttributeString("id", $"{Namespace}:obj:{i + 1}");
                w.WriteAttributeString("version", "1");
                w.WriteElementString("ind-def", "filepath", Independent, cvesFile);
                w.WriteStartElement("ind-def", "pattern", Independent);
                w.WriteAttributeString("operation", "pattern match");
                w.WriteString($"^{state.Cves[i].Id.Replace("-", "\\-", StringComparison.Ordinal).Replace(".", "\\.", StringComparison.Ordinal)}$");
                w.WriteEndElement();
                w.WriteStartElement("ind-def", "instance", Independent);
                w.WriteAttributeString("datatype", "int");
                w.WriteAttributeString("operation", "greater than or equal");
                w.WriteString("1");
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
