using System.Globalization;
using System.Text;

namespace Suture.Server.Reports;

/// <summary>
/// RFC 4180 CSV: a header row, then one row per record; fields with a comma, quote or line break
/// are quoted. A text field that starts like a spreadsheet formula (= + - @, tab, CR) gets a
/// leading apostrophe, so a host name chosen by whoever controls the host cannot run as a formula
/// when the report is opened in a spreadsheet.
/// </summary>
internal sealed class Csv
{
    private readonly StringBuilder _text = new();

    public Csv(params string[] header) => Row(header);

    public Csv Row(params object?[] fields)
    {
        Append(_text, fields);
        return this;
    }

    /// <summary>One row with its line break, for a CSV written as it is read (a streamed report).</summary>
    public static string Line(params object?[] fields) => Append(new StringBuilder(), fields).ToString();

    private static StringBuilder Append(StringBuilder text, object?[] fields)
    {
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Field(fields[i]));
        }

        return text.Append("\r\n");
    }

    public override string ToString() => _text.ToString();

    private static string Field(object? value)
    {
        string text = value switch
        {
            null => "",
            DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable f when value is not string => f.ToString(null, CultureInfo.InvariantCulture),
            IEnumerable<string> list => string.Join(' ', list),
            IEnumerable<int> numbers => string.Join(' ', numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))),
            _ => value.ToString() ?? "",
        };
        if (value is string && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
