from kubeplan.dryrun.controllers.naming import ALPHANUMS, NameGenerator, fnv32, fnv32a, safe_encode, uid_for


def test_fnv_reference_values():
    # published FNV test vectors
    assert fnv32a(b"") == 0x811C9DC5
    assert fnv32a(b"a") == 0xE40C292C
    assert fnv32a(b"foobar") == 0xBF9CF968
    assert fnv32(b"a") == 0x050C5D7E
    assert fnv32(b"foobar") == 0x31F0B262


def test_safe_encode_maps_digits_like_apimachinery():
    # digits 0-9 (bytes 48-57) land on 4 5 6 7 8 9 b c d f: the look of real pod-template-hashes
    assert safe_encode("0123456789") == "456789bcdf"
    assert all(ch in ALPHANUMS for ch in safe_encode("any text at all"))


def test_generated_names_are_deterministic_and_unique():
    first = NameGenerator(seed=0)
    again = NameGenerator(seed=0)
    names = [first.generate("ns", "web-") for _ in range(200)]
    assert names == [again.generate("ns", "web-") for _ in range(200)]
    assert len(set(names)) == 200
    assert all(n.startswith("web-") and len(n) == 9 for n in names)
    assert NameGenerator(seed=1).generate("ns", "web-") != names[0]


def test_generated_name_base_is_cut_to_58_characters():
    name = NameGenerator().generate("ns", "x" * 80)
    assert len(name) == 63 and name.startswith("x" * 58)


def test_reserved_names_are_not_generated():
    gen = NameGenerator()
    probe = NameGenerator().generate("ns", "a-")
    gen.reserve("ns", probe)
    assert gen.generate("ns", "a-") != probe


def test_uid_is_stable():
    assert uid_for("Job", "ns", "x") == uid_for("Job", "ns", "x")
    assert uid_for("Job", "ns", "x") != uid_for("Job", "ns", "y")
