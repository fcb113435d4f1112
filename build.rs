//! Records the exact `azure_data_cosmos_driver` version resolved in Cargo.lock, so the
//! Python package can report which engine it was built with.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut version = String::from("unknown");
    let mut in_package = false;
    for line in lock.lines() {
        if line == "name = \"azure_data_cosmos_driver\"" {
            in_package = true;
        } else if in_package {
            if let Some(v) = line.strip_prefix("version = \"") {
                version = v.trim_end_matches('"').to_owned();
                break;
            }
        }
    }
    println!("cargo:rustc-env=AZURE_DATA_COSMOS_DRIVER_VERSION={version}");
}
