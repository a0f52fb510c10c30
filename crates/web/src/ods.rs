//! A spreadsheet in the OpenDocument format (`.ods`), written as it goes: a ZIP archive whose
//! entries are stored (not compressed), the sheet's rows streamed into `content.xml` with a
//! data descriptor after it, so that a long table never sits in memory whole.

/// Builds the archive in pieces: [`Ods::start`], then [`Ods::row`] for each row (each
/// returns bytes to send), then [`Ods::finish`].
pub struct Ods {
    offset: u64,
    crc: crc32fast::Hasher,
    content_size: u64,
    /// (name, crc, size, offset of the local header, has a data descriptor).
    entries: Vec<(&'static str, u32, u64, u64, bool)>,
}

const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";
const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

fn local_header(name: &str, crc: u32, size: u64, descriptor: bool) -> Vec<u8> {
    let mut h = Vec::with_capacity(30 + name.len());
    h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    h.extend_from_slice(&20u16.to_le_bytes()); // version needed
    h.extend_from_slice(&(if descriptor { 0x0808u16 } else { 0x0800 }).to_le_bytes()); // UTF-8 names
    h.extend_from_slice(&0u16.to_le_bytes()); // stored
    h.extend_from_slice(&0u32.to_le_bytes()); // time and date
    h.extend_from_slice(&crc.to_le_bytes());
    h.extend_from_slice(&(size as u32).to_le_bytes());
    h.extend_from_slice(&(size as u32).to_le_bytes());
    h.extend_from_slice(&(name.len() as u16).to_le_bytes());
    h.extend_from_slice(&0u16.to_le_bytes());
    h.extend_from_slice(name.as_bytes());
    h
}

/// Escapes text for XML.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 does not allow are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A cell: text, or a number.
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Ods {
    /// The archive's beginning: the mimetype, the manifest, and the sheet's opening with its
    /// header row.
    pub fn start(sheet: &str, header: &[&str]) -> (Self, Vec<u8>) {
        let mut me = Self {
            offset: 0,
            crc: crc32fast::Hasher::new(),
            content_size: 0,
            entries: Vec::new(),
        };
        let mut out = Vec::new();
        for (name, data) in [("mimetype", MIMETYPE), ("META-INF/manifest.xml", MANIFEST)] {
            let crc = crc32fast::hash(data.as_bytes());
            let size = data.len() as u64;
            let h = local_header(name, crc, size, false);
            me.entries.push((name, crc, size, me.offset, false));
            me.offset += h.len() as u64 + size;
            out.extend_from_slice(&h);
            out.extend_from_slice(data.as_bytes());
        }
        let h = local_header("content.xml", 0, 0, true);
        me.entries.push(("content.xml", 0, 0, me.offset, true));
        me.offset += h.len() as u64;
        out.extend_from_slice(&h);
        let mut head = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
        );
        head.push_str(&format!(
            r#"<table:table table:name="{}">"#,
            xml_escape(sheet)
        ));
        out.extend(me.content(head.as_bytes()));
        let cells: Vec<Cell> = header.iter().map(|h| Cell::Text((*h).to_owned())).collect();
        out.extend(me.row(&cells));
        (me, out)
    }

    fn content(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.crc.update(bytes);
        self.content_size += bytes.len() as u64;
        self.offset += bytes.len() as u64;
        bytes.to_vec()
    }

    /// One row of the sheet.
    pub fn row(&mut self, cells: &[Cell]) -> Vec<u8> {
        let mut xml = String::from("<table:table-row>");
        for cell in cells {
            match cell {
                Cell::Text(t) => {
                    xml.push_str(r#"<table:table-cell office:value-type="string">"#);
                    for line in t.split('\n') {
                        xml.push_str("<text:p>");
                        xml.push_str(&xml_escape(line));
                        xml.push_str("</text:p>");
                    }
                    xml.push_str("</table:table-cell>");
                }
                Cell::Number(n) => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                )),
            }
        }
        xml.push_str("</table:table-row>");
        self.content(xml.as_bytes())
    }

    /// The sheet's end, the data descriptor and the central directory.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = self.content(
            b"</table:table></office:spreadsheet></office:body></office:document-content>",
        );
        let crc = std::mem::take(&mut self.crc).finalize();
        let size = self.content_size;
        out.extend_from_slice(&0x0807_4b50u32.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
        out.extend_from_slice(&(size as u32).to_le_bytes());
        self.offset += 16;
        if let Some(last) = self.entries.last_mut() {
            last.1 = crc;
            last.2 = size;
        }
        let directory_at = self.offset;
        let mut directory = Vec::new();
        for (name, crc, size, at, descriptor) in &self.entries {
            directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            directory.extend_from_slice(&20u16.to_le_bytes()); // made by
            directory.extend_from_slice(&20u16.to_le_bytes()); // needed
            directory
                .extend_from_slice(&(if *descriptor { 0x0808u16 } else { 0x0800 }).to_le_bytes());
            directory.extend_from_slice(&0u16.to_le_bytes());
            directory.extend_from_slice(&0u32.to_le_bytes());
            directory.extend_from_slice(&crc.to_le_bytes());
            directory.extend_from_slice(&(*size as u32).to_le_bytes());
            directory.extend_from_slice(&(*size as u32).to_le_bytes());
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            directory.extend_from_slice(&[0; 6]); // extra, comment, disk
            directory.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
            directory.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            directory.extend_from_slice(&(*at as u32).to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        out.extend_from_slice(&directory);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // disks
        let n = self.entries.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        out.extend_from_slice(&(directory_at as u32).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The archive's entries as a reader finds them through the central directory.
    fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = zip.len() - 22;
        assert_eq!(&zip[end..end + 4], &0x0605_4b50u32.to_le_bytes());
        let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
        let u32_at =
            |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]) as usize;
        let count = u16_at(end + 10);
        let mut at = u32_at(end + 16);
        let mut out = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(at), 0x0201_4b50);
            let crc = u32_at(at + 16) as u32;
            let size = u32_at(at + 24);
            let name_len = u16_at(at + 28);
            let local = u32_at(at + 42);
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
            let data = zip[data_at..data_at + size].to_vec();
            assert_eq!(crc32fast::hash(&data), crc, "{name}");
            out.push((name, data));
            at += 46 + name_len;
        }
        out
    }

    #[test]
    fn a_spreadsheet_is_a_zip_with_the_mimetype_first_and_every_row() {
        let (mut ods, mut bytes) = Ods::start("Raport", &["Nr", "Uwaga"]);
        bytes.extend(ods.row(&[Cell::Number(1.0), Cell::Text("A & <b>\nline".into())]));
        bytes.extend(ods.finish());
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..38 + MIMETYPE.len()], MIMETYPE.as_bytes());
        let found = entries(&bytes);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["mimetype", "META-INF/manifest.xml", "content.xml"]);
        let content = String::from_utf8(found[2].1.clone()).unwrap();
        assert!(content.contains("<text:p>A &amp; &lt;b&gt;</text:p><text:p>line</text:p>"));
        assert!(content.contains(r#"office:value="1""#));
        assert!(content.ends_with("</office:document-content>"));
    }
}
