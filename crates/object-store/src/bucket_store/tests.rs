//! The bucket store's laws: objects round-trip with their time and metadata, no name escapes its
//! bucket, a key and keys under it coexist, deletes leave no directories behind, buckets carry
//! their information and configuration, multipart uploads join their parts; and, property-tested,
//! any sequence of writes and deletes leaves exactly the objects a map would hold.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::uploads::Upload;

fn store() -> (tempfile::TempDir, BucketStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = BucketStore::new(dir.path().join("s3"), false);
    (dir, store)
}

fn keys(store: &BucketStore, bucket: &str, prefix: &str) -> Vec<String> {
    store.list_objects(bucket, prefix).unwrap().into_iter().map(|o| o.key).collect()
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walkdir(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn objects_round_trip_with_the_given_time() {
    let (_dir, store) = store();
    assert!(matches!(store.put_object("logs", "a", b"x", 0), Err(BucketStoreError::NoSuchBucket(_))));
    store.ensure_bucket("logs", 0).unwrap();
    store.put_object("logs", "p/a/one.json.gz", b"one", 1_700_000_000_123).unwrap();
    store.put_object("logs", "p/b//two", b"two", 1_700_000_000_000).unwrap();
    store.put_object("logs", "p/../x", b"dots", 5).unwrap();
    let long = format!("{}/tail", "q".repeat(1024));
    store.put_object("logs", &long, b"long", 5).unwrap();
    assert_eq!(store.get_object("logs", &long).unwrap().unwrap().0, b"long");
    assert_eq!(store.list_objects("logs", &long[..1027]).unwrap()[0].key, long);
    // A key that is also a directory of other keys: both are kept.
    store.put_object("logs", &"q".repeat(1024), b"x", 5).unwrap();
    assert_eq!(keys(&store, "logs", "qqq"), [&"q".repeat(1024), &long].map(|s| s.clone()));
    let (bytes, info) = store.get_object("logs", "p/a/one.json.gz").unwrap().unwrap();
    assert_eq!(bytes, b"one");
    assert_eq!(info.last_modified_ms, 1_700_000_000_123);
    assert_eq!(keys(&store, "logs", "p/"), ["p/../x", "p/a/one.json.gz", "p/b//two"]);
    assert_eq!(keys(&store, "logs", "p/a/o"), ["p/a/one.json.gz"]);
    assert_eq!(store.get_object("logs", "p/a").unwrap(), None);
    assert_eq!(store.get_object("logs", "/etc/passwd").unwrap(), None);
}

#[test]
fn names_cannot_escape() {
    let (dir, store) = store();
    for bad in ["..", ".", "../etc", "/abs", "a\0b", "a%2Fb"] {
        assert!(matches!(store.ensure_bucket(bad, 0), Err(BucketStoreError::InvalidBucketName { .. })), "{bad:?}");
    }
    store.ensure_bucket("b-1", 0).unwrap();
    for key in ["../../escape", "/abs/olute", "a/%2e%2e/b", "\0", "%self", "x%meta", "%bucket/info.json"] {
        store.put_object("b-1", key, b"k", 0).unwrap();
        assert_eq!(store.get_object("b-1", key).unwrap().unwrap().0, b"k");
    }
    assert_eq!(keys(&store, "b-1", "").len(), 7);
    for entry in walkdir(dir.path()) {
        assert!(entry.starts_with(dir.path().join("s3/b-1")), "{entry:?}");
    }
    assert!(store.upload("b-1", "../../x").is_err());
}

#[test]
fn a_key_and_the_keys_under_it_coexist_both_ways() {
    let (_dir, store) = store();
    store.ensure_bucket("bkt", 0).unwrap();
    let meta = ObjectMeta { content_type: Some("text/plain".into()), ..ObjectMeta::default() };
    store.put_object_with("bkt", "AWSLogs", b"file first", &meta, 1).unwrap();
    store.put_object("bkt", "AWSLogs/1/x.json.gz", b"under it", 2).unwrap();
    store.put_object("bkt", "dir/x", b"dir first", 3).unwrap();
    store.put_object("bkt", "dir", b"then the key", 4).unwrap();
    assert_eq!(keys(&store, "bkt", ""), ["AWSLogs", "AWSLogs/1/x.json.gz", "dir", "dir/x"]);
    let moved = store.read_object("bkt", "AWSLogs").unwrap().unwrap();
    assert_eq!((moved.bytes.as_slice(), moved.meta.content_type.as_deref()), (&b"file first"[..], Some("text/plain")));
    assert_eq!(store.get_object("bkt", "dir").unwrap().unwrap().0, b"then the key");
    assert_eq!(keys(&store, "bkt", "dir"), ["dir", "dir/x"]);
    // Deleting either leaves the other, and no empty directory.
    assert!(store.delete_object("bkt", "AWSLogs").unwrap());
    assert_eq!(keys(&store, "bkt", "AWSLogs"), ["AWSLogs/1/x.json.gz"]);
    assert!(store.delete_object("bkt", "AWSLogs/1/x.json.gz").unwrap());
    assert!(store.delete_object("bkt", "dir/x").unwrap());
    assert!(!store.delete_object("bkt", "dir/x").unwrap());
    assert_eq!(keys(&store, "bkt", ""), ["dir"]);
    assert!(store.delete_object("bkt", "dir").unwrap());
    let left: Vec<_> = fs::read_dir(store.root.join("bkt")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.iter().all(|n| n.to_str().is_some_and(|n| n.starts_with('%'))), "{left:?}");
}

#[test]
fn metadata_is_replaced_with_the_object() {
    let (_dir, store) = store();
    store.ensure_bucket("bkt", 0).unwrap();
    let meta = ObjectMeta { user: vec![("team".into(), "ml".into())], etag: Some("\"x-2\"".into()), ..ObjectMeta::default() };
    store.put_object_with("bkt", "k", b"v", &meta, 1).unwrap();
    let read = store.read_object("bkt", "k").unwrap().unwrap();
    assert_eq!((read.meta.clone(), read.etag()), (meta, "\"x-2\"".to_owned()));
    store.put_object("bkt", "k", b"v2", 2).unwrap();
    let read = store.read_object("bkt", "k").unwrap().unwrap();
    assert!(read.meta.is_empty());
    assert_eq!(read.etag(), etag(b"v2"));
    assert_eq!(keys(&store, "bkt", ""), ["k"]);
}

#[test]
fn buckets_carry_information_and_configuration() {
    let (_dir, store) = store();
    assert_eq!(store.create_bucket("one", Some("eu-west-1"), 10).unwrap(), Created::New);
    let again = store.create_bucket("one", None, 20).unwrap();
    assert_eq!(again, Created::Existed(BucketInfo { region: Some("eu-west-1".into()), created_ms: 10 }));
    store.ensure_bucket("two", 30).unwrap();
    let listed = store.list_buckets().unwrap();
    assert_eq!(listed.iter().map(|(n, i)| (n.as_str(), i.created_ms)).collect::<Vec<_>>(), [("one", 10), ("two", 30)]);
    assert_eq!(store.bucket_config("one", "policy").unwrap(), None);
    store.put_bucket_config("one", "policy", b"{}").unwrap();
    assert_eq!(store.bucket_config("one", "policy").unwrap().as_deref(), Some(&b"{}"[..]));
    assert!(store.delete_bucket_config("one", "policy").unwrap());
    assert!(!store.delete_bucket_config("one", "policy").unwrap());
    store.put_bucket_config("one", "policy", b"{}").unwrap();
    assert!(keys(&store, "one", "").is_empty(), "configuration is not an object");
    store.put_object("one", "a/b", b"x", 1).unwrap();
    assert!(matches!(store.delete_bucket("one"), Err(BucketStoreError::BucketNotEmpty(_))));
    store.delete_object("one", "a/b").unwrap();
    store.create_upload("one", "u1", &Upload { key: "k".into(), meta: ObjectMeta::default(), initiated_ms: 0 }).unwrap();
    store.delete_bucket("one").unwrap();
    assert!(!store.bucket_exists("one").unwrap());
    assert_eq!(store.list_buckets().unwrap().len(), 1);
    assert_eq!(store.create_bucket("one", None, 40).unwrap(), Created::New);
    assert_eq!(store.bucket_config("one", "policy").unwrap(), None);
}

#[test]
fn multipart_uploads_join_their_parts() {
    let (_dir, store) = store();
    store.ensure_bucket("bkt", 0).unwrap();
    let upload = Upload { key: "big/file.bin".into(), meta: ObjectMeta::default(), initiated_ms: 5 };
    store.create_upload("bkt", "u1", &upload).unwrap();
    assert_eq!(store.upload("bkt", "u1").unwrap(), upload);
    assert!(matches!(store.upload("bkt", "nope"), Err(BucketStoreError::NoSuchUpload(_))));
    store.put_part("bkt", "u1", 2, b"world", 6).unwrap();
    let one = store.put_part("bkt", "u1", 1, b"hello ", 7).unwrap();
    assert_eq!(one.md5, md5_hex(b"hello "));
    assert_eq!(store.list_parts("bkt", "u1").unwrap().iter().map(|p| p.number).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(store.list_uploads("bkt").unwrap().len(), 1);
    assert!(matches!(
        store.complete_upload("bkt", "u1", &[1, 3], &ObjectMeta::default(), 8),
        Err(BucketStoreError::NoSuchPart { .. })
    ));
    let meta = ObjectMeta { etag: Some("\"m-2\"".into()), ..ObjectMeta::default() };
    assert_eq!(store.complete_upload("bkt", "u1", &[1, 2], &meta, 9).unwrap(), 11);
    let object = store.read_object("bkt", "big/file.bin").unwrap().unwrap();
    assert_eq!((object.bytes.as_slice(), object.info.last_modified_ms), (&b"hello world"[..], 9));
    assert!(matches!(store.upload("bkt", "u1"), Err(BucketStoreError::NoSuchUpload(_))));
    store.create_upload("bkt", "u2", &upload).unwrap();
    store.abort_upload("bkt", "u2").unwrap();
    assert!(store.list_uploads("bkt").unwrap().is_empty());
    assert_eq!(keys(&store, "bkt", ""), ["big/file.bin"]);
}

#[test]
fn etag_is_md5() {
    assert_eq!(etag(b""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
}

/// Keys from a few segments, so that keys are often prefixes of one another.
fn key() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("a".to_owned()),
        Just("b".to_owned()),
        Just(String::new()),
        Just("..".to_owned()),
        Just("%self".to_owned()),
        Just("x%meta".to_owned()),
        Just("l".repeat(300)),
    ];
    proptest::collection::vec(segment, 1..5).prop_map(|s| s.join("/"))
}

#[derive(Debug, Clone)]
enum Op {
    Put(String, u8),
    Delete(String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![(key(), any::<u8>()).prop_map(|(k, v)| Op::Put(k, v)), key().prop_map(Op::Delete)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn writes_and_deletes_behave_like_a_map(ops in proptest::collection::vec(op(), 1..24)) {
        let (dir, store) = store();
        store.ensure_bucket("bkt", 0).unwrap();
        let mut model: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for op in &ops {
            match op {
                Op::Put(k, v) => {
                    store.put_object("bkt", k, &[*v], 1).unwrap();
                    model.insert(k.clone(), vec![*v]);
                }
                Op::Delete(k) => {
                    prop_assert_eq!(store.delete_object("bkt", k).unwrap(), model.remove(k).is_some());
                }
            }
        }
        let mut want: Vec<&String> = model.keys().collect();
        want.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        prop_assert_eq!(keys(&store, "bkt", ""), want.into_iter().cloned().collect::<Vec<_>>());
        for (k, v) in &model {
            prop_assert_eq!(&store.get_object("bkt", k).unwrap().unwrap().0, v);
        }
        for entry in walkdir(dir.path()) {
            prop_assert!(entry.starts_with(dir.path().join("s3/bkt")));
        }
    }
}
