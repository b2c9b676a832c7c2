"""Where secrets live: the secret store chosen on use."""

from __future__ import annotations

from pathlib import Path

from app.stores.secrets import FileSecrets, SecretsChosenOnUse, SecretStore


def test_the_secret_store_is_chosen_on_first_use_and_only_once(tmp_path: Path) -> None:
    choices: list[SecretStore] = []

    def choose() -> SecretStore:
        choices.append(FileSecrets(tmp_path / "secrets.json"))
        return choices[-1]

    secrets = SecretsChosenOnUse(choose)
    assert choices == []
    assert secrets.get("https://shop.example") is None
    secrets.put("https://shop.example", "ck_1", "cs_1")
    assert secrets.get("https://shop.example") == ("ck_1", "cs_1")
    secrets.delete("https://shop.example")
    assert secrets.get("https://shop.example") is None
    assert len(choices) == 1
