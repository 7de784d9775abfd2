//! `manifest.json`: every generated file with its sha256 and spec sources, and the gantry
//! version. The writer reads the previous one to know which files it may replace or delete.

use std::fmt;
use std::io;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};

pub const MANIFEST: &str = "manifest.json";

/// One file as the manifest lists it (see [`Entry`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub path: String,
    pub sha256: [u8; 32],
    pub sources: Arc<[String]>,
}

impl Listed {
    /// The entry of the file at `path` with these bytes and spec sources.
    pub fn of(path: String, bytes: &[u8], sources: Arc<[String]>) -> Listed {
        Listed {
            path,
            sha256: digest(bytes),
            sources,
        }
    }

    pub fn entry(&self) -> Entry<'_> {
        Entry {
            path: &self.path,
            sha256: &self.sha256,
            sources: &self.sources,
        }
    }
}

/// One file as the manifest lists it, borrowed from wherever a build keeps its list. Fields in
/// alphabetical order: the manifest is serialized straight from them (a workspace's manifest
/// can list hundreds of thousands of files) and reads as if its keys were sorted, like every
/// JSON file gantry writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Entry<'a> {
    pub path: &'a str,
    /// Kept as its 32 bytes, written in lowercase hex.
    #[serde(serialize_with = "lowercase_hex")]
    pub sha256: &'a [u8; 32],
    pub sources: &'a [String],
}

/// The sha256 of a file's bytes, as the manifest lists it.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Writes the manifest of the files listed, in the order given (the writers give them sorted by
/// path), as it is serialized: a manifest can take a hundred megabytes.
pub fn write_manifest<'a>(
    files: impl IntoIterator<Item = Entry<'a>>,
    out: impl io::Write,
) -> io::Result<()> {
    let manifest = Manifest {
        files: Files(std::cell::Cell::new(Some(files.into_iter()))),
        generator: "gantry",
        version: env!("CARGO_PKG_VERSION"),
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &manifest).map_err(io::Error::other)?;
    io::Write::write_all(&mut out, b"\n")?;
    io::Write::flush(&mut out)
}

/// The manifest of the files listed, in memory (see [`write_manifest`]).
pub fn render_manifest<'a>(files: impl IntoIterator<Item = Entry<'a>>) -> String {
    let mut text = Vec::new();
    // Writing into memory cannot fail, nor serializing strings and lists; an empty object is
    // the safe answer if it did.
    match write_manifest(files, &mut text) {
        Ok(()) => String::from_utf8(text).unwrap_or_else(|_| "{}\n".to_string()),
        Err(_) => "{}\n".to_string(),
    }
}

/// The manifest's keys in alphabetical order (see [`Listed`]).
#[derive(Serialize)]
struct Manifest<F> {
    files: F,
    generator: &'static str,
    version: &'static str,
}

/// The listed files, serialized as they come: the list is never copied.
struct Files<I>(std::cell::Cell<Option<I>>);

impl<'a, I: Iterator<Item = Entry<'a>>> Serialize for Files<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Taken, not cloned: a manifest is serialized once.
        serializer.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// Reads a manifest entry by entry, handing each file it lists to `each` with its spec sources,
/// in the order listed; entries without a path (edited by hand) are skipped. An error when
/// the text is not a gantry manifest: `each` may then have been handed some of its files.
pub fn read_manifest(
    reader: impl io::Read,
    each: &mut dyn FnMut(String, Vec<String>),
) -> Result<(), String> {
    let mut deserializer = serde_json::Deserializer::from_reader(io::BufReader::new(reader));
    ManifestSeed(each)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end())
        .map_err(|e| e.to_string())
}

/// What the writer reads back of a listed file: lenient, so that a hand-edited entry without a
/// path is skipped rather than the whole manifest.
#[derive(Deserialize)]
struct ReadFile {
    path: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
}

/// The manifest object: its `files` read one by one, every other key skipped.
struct ManifestSeed<'f>(&'f mut dyn FnMut(String, Vec<String>));

impl<'de> DeserializeSeed<'de> for ManifestSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ManifestSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a gantry manifest")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut files = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "files" && !files {
                map.next_value_seed(FilesSeed(&mut *self.0))?;
                files = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if files {
            Ok(())
        } else {
            Err(serde::de::Error::missing_field("files"))
        }
    }
}

struct FilesSeed<'f>(&'f mut dyn FnMut(String, Vec<String>));

impl<'de> DeserializeSeed<'de> for FilesSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FilesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of files")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(file) = seq.next_element::<ReadFile>()? {
            if let Some(path) = file.path {
                (self.0)(path, file.sources);
            }
        }
        Ok(())
    }
}

// A reference, as serde's `serialize_with` hands fields over by reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn lowercase_hex<S: Serializer>(digest: &&[u8; 32], to: S) -> Result<S::Ok, S::Error> {
    use std::fmt::Write;
    let hex = digest.iter().fold(String::with_capacity(64), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    });
    to.serialize_str(&hex)
}
