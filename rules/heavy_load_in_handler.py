"""
## What it does
Reports a bundled file or model read and deserialized on every invocation: `json.load(open(...))`
(or a file from `with open(...)`), `yaml.safe_load` of a file, `pickle.load`, `joblib.load`,
`torch.load`, `tensorflow.keras.models.load_model`, `numpy.load`, `spacy.load`,
`pandas.read_csv` / `read_parquet` / `read_pickle` / `read_json` (and polars' readers) of a local path;
in the handler or a project function it calls. Parsing request data (`json.loads(body)`),
remote reads (`s3://` paths), files under `/tmp` (what the invocation downloaded or wrote there) and
loads that run once stay silent.

## Why is this bad?
Reading and deserializing a model or a data file costs milliseconds to seconds and the result never
changes between invocations of the same execution environment. Done at import time, it runs once per
cold start (and benefits from the init phase's full CPU and SnapStart).

## Example
```python
def handler(event, context):
    model = joblib.load("model.joblib")
    return model.predict([event["features"]]).tolist()
```

## How to fix
Load at module scope (or lazily into a module-level variable) and reuse the object.

## References
- https://docs.aws.amazon.com/lambda/latest/operatorguide/static-initialization.html
- https://aws.amazon.com/blogs/compute/optimizing-lambda-functions-packaged-as-container-images/
"""

from __future__ import annotations

from typing import Iterator

from lambdalint.rulekit import CallFact, Context, Finding, Reached, Rule, bad, call_findings, good

_FILE_DESERIALIZERS = {"json.load", "yaml.load", "yaml.safe_load", "yaml.full_load", "yaml.unsafe_load",
                       "tomllib.load", "toml.load"}
_MODEL_LOADERS = {"pickle.load", "joblib.load", "torch.load", "torch.jit.load", "tensorflow.keras.models.load_model",
                  "keras.models.load_model", "keras.saving.load_model", "tensorflow.saved_model.load",
                  "cloudpickle.load", "dill.load", "onnxruntime.InferenceSession", "xgboost.Booster",
                  "lightgbm.Booster", "numpy.load", "spacy.load",
                  "sentence_transformers.SentenceTransformer"}
_TABLE_READERS = {"pandas.read_csv", "pandas.read_parquet", "pandas.read_pickle", "pandas.read_feather",
                  "pandas.read_json", "pandas.read_excel", "pandas.read_hdf", "pandas.read_orc",
                  "polars.read_csv", "polars.read_parquet", "polars.read_ipc", "numpy.loadtxt", "numpy.genfromtxt"}
NAMES = tuple(sorted(_FILE_DESERIALIZERS | _MODEL_LOADERS | _TABLE_READERS))
_LOCAL = ("open", "with-open", "str", "path", "constant")


def match(call: CallFact) -> str | None:
    if call.first_arg_kind not in _LOCAL:
        return None
    path = call.first_arg or ""
    if "://" in path:  # a remote read: `s3://...`, also through a file `smart_open`/`fsspec` opened
        return None
    if path.rstrip("/") == "/tmp" or path.startswith("/tmp/"):
        return None  # Lambda's scratch space: written there by this invocation (a download), not bundled
    for name in sorted(call.names):
        if name in _FILE_DESERIALIZERS and call.first_arg_kind in ("open", "with-open"):
            return name
        if name in _MODEL_LOADERS or name in _TABLE_READERS:
            return name
    return None


def message(what: str, reached: Reached) -> str:
    if reached.in_helper:
        return f"{reached.helper} runs `{what}` of a bundled file on every invocation"
    return f"`{what}` of a bundled file on every invocation"


def check(ctx: Context) -> Iterator[Finding]:
    yield from call_findings(ctx, match, message,
                             "Load it once at module scope (or lazily into a module-level variable).")


RULE = Rule(
    code="LL104",
    slug="heavy-load-in-handler",
    severity="warning",
    reports_in=frozenset({"python"}),
    summary="A bundled file or model is loaded on every invocation",
    check=check,
    docs=__doc__ or "",
    needs_code=True,
    code_names=NAMES,
    tags=("performance",),
    examples=(
        bad("""\
import json


def handler(event, context):
    rules = json.load(open("rules.json"))  # [heavy-load-in-handler]
    return rules.get(event["country"])
""", name="app.py", title="json.load(open(...))"),
        bad("""\
import yaml


def handler(event, context):
    with open("config.yaml") as handle:
        config = yaml.safe_load(handle)  # [heavy-load-in-handler]
    return config["limits"]
""", name="app.py", title="yaml from with open"),
        bad("""\
import pickle


def handler(event, context):
    with open("model.pkl", "rb") as f:
        model = pickle.load(f)  # [heavy-load-in-handler]
    return model.predict([event["x"]])
""", name="app.py", title="pickle"),
        bad("""\
import joblib

MODEL_PATH = "model/model.joblib"


def lambda_handler(event, context):
    model = joblib.load(MODEL_PATH)  # [heavy-load-in-handler]
    return model.predict([event["features"]]).tolist()
""", name="app.py", title="joblib with a module constant"),
        bad("""\
import os

import pandas as pd
import torch


def handler(event, context):
    prices = pd.read_csv(os.path.join(os.path.dirname(__file__), "prices.csv"))  # [heavy-load-in-handler]
    net = torch.load("weights.pt")  # [heavy-load-in-handler]
    return len(prices), net
""", name="app.py", title="pandas and torch"),
        bad("""\
import tensorflow as tf


def load():
    return tf.keras.models.load_model("model.keras")


def handler(event, context):
    model = load()  # [heavy-load-in-handler]
    return model.predict(event["batch"]).tolist()
""", name="app.py", title="keras model in a helper"),
        bad("""\
import pandas as pd


def lambda_handler(event, context):
    frame = pd.read_pickle("data/prices.pkl")  # [heavy-load-in-handler]
    return frame.loc[event["sku"]].to_dict()
""", name="app.py", title="read_pickle in a file that names nothing else"),
        bad("""\
import numpy as np
import spacy

EMBEDDINGS = "embeddings.npy"


def handler(event, context):
    vectors = np.load(EMBEDDINGS)  # [heavy-load-in-handler]
    nlp = spacy.load("en_core_web_sm")  # [heavy-load-in-handler]
    return vectors.shape, [t.text for t in nlp(event["text"])]
""", name="app.py", title="numpy and spaCy"),
        good("""\
import io

import numpy as np
import pandas as pd


def handler(event, context):
    frame = pd.read_json(io.StringIO(event["body"]))
    matrix = np.load(io.BytesIO(event["payload"].encode()))
    return len(frame), matrix.shape
""", name="app.py", title="reading the request's own bytes"),
        good("""\
import joblib

MODEL = joblib.load("model/model.joblib")


def lambda_handler(event, context):
    return MODEL.predict([event["features"]]).tolist()
""", name="app.py", title="model loaded at import"),
        good("""\
import json


def handler(event, context):
    body = json.loads(event["body"])
    return {"statusCode": 200, "body": json.dumps(body)}
""", name="app.py", title="json.loads of the request"),
        good("""\
import pandas as pd


def handler(event, context):
    frame = pd.read_csv(f"s3://{event['bucket']}/{event['key']}")
    return len(frame)
""", name="app.py", title="remote data per request"),
        good("""\
import pickle

_model = None


def model():
    global _model
    if _model is None:
        with open("model.pkl", "rb") as f:
            _model = pickle.load(f)
    return _model


def handler(event, context):
    return model().predict([event["x"]])
""", name="app.py", title="lazy model"),
        good("""\
import json


def handler(event, context):
    with open("/tmp/state.json", "w") as handle:
        json.dump(event, handle)
""", name="app.py", title="writing is not loading"),
        good("""\
import json
import os

import boto3
import pandas as pd

s3 = boto3.client("s3")


def handler(event, context):
    s3.download_file(event["bucket"], event["key"], "/tmp/df.parquet")
    frame = pd.read_parquet("/tmp/df.parquet")
    with open(f"/tmp/{event['key']}.json") as handle:
        frame.attrs["meta"] = json.load(handle)
    frame.attrs["rules"] = json.load(open(os.path.join("/tmp", "rules.json")))
    return frame.shape
""", name="app.py", title="a file this invocation put in /tmp (samule-i/gneiss-totesys)"),
        good("""\
import io
import pickle


def handler(event, context):
    return pickle.load(io.BytesIO(event["payload"].encode()))
""", name="app.py", title="deserializing request bytes"),
        good("""\
import json

from smart_open import open


def handler(event, context):
    with open(f"s3://{event['bucket']}/{event['key']}.json") as handle:
        return json.load(handle)
""", name="app.py", title="a remote file opened with smart_open (raju-rangan/sample-document-processing-with-amazon-bedrock-data-automation)"),
    ),
)
