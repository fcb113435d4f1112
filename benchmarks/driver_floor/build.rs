//! Names the driver version this binary was built with (from Cargo.lock) as `DRIVER_VERSION`.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock =
        std::fs::read_to_string("Cargo.lock").expect("Cargo.lock is committed beside Cargo.toml");
    let version = lock
        .split("[[package]]")
        .find(|entry| entry.contains("name = \"azure_data_cosmos_driver\""))
        .and_then(|entry| {
            entry
                .lines()
                .find_map(|line| line.strip_prefix("version = "))
        })
        .map(|quoted| quoted.trim_matches('"').to_owned())
        .expect("Cargo.lock locks azure_data_cosmos_driver");
    println!("cargo:rustc-env=DRIVER_VERSION={version}");
}
