"""containerbench analytics engine: numpy, pandas and scikit-learn behind a small HTTP API.

At startup it generates a dataset and fits a model, as a service loading its model would; /health answers only
once that is done, so startup time includes the imports and the fit.
"""

import time

import numpy as np
import pandas as pd
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Field
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = 12


def generate(samples: int, seed: int) -> pd.DataFrame:
    features, labels = make_classification(
        n_samples=samples, n_features=FEATURES, n_informative=6, n_redundant=2, random_state=seed
    )
    frame = pd.DataFrame(features, columns=[f"f{i}" for i in range(FEATURES)])
    frame["label"] = labels
    return frame


def fit_logistic(frame: pd.DataFrame, seed: int):
    train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=frame["label"])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    model.fit(train.drop(columns="label"), train["label"])
    accuracy = float(model.score(test.drop(columns="label"), test["label"]))
    return model, accuracy


DATASET = generate(5_000, seed=7)
MODEL, MODEL_ACCURACY = fit_logistic(DATASET, seed=7)

app = FastAPI(title="containerbench-analytics", version="1.0.0")


class PredictRequest(BaseModel):
    rows: list[list[float]] = Field(min_length=1, max_length=10_000)


@app.get("/health")
def health() -> dict[str, object]:
    return {"status": "ok", "model_accuracy": round(MODEL_ACCURACY, 4)}


@app.post("/predict")
def predict(request: PredictRequest) -> dict[str, list]:
    matrix = np.asarray(request.rows, dtype=float)
    if matrix.ndim != 2 or matrix.shape[1] != FEATURES:
        raise HTTPException(status_code=422, detail=f"each row needs exactly {FEATURES} numbers")
    frame = pd.DataFrame(matrix, columns=[f"f{i}" for i in range(FEATURES)])
    return {
        "labels": MODEL.predict(frame).tolist(),
        "probabilities": MODEL.predict_proba(frame)[:, 1].round(4).tolist(),
    }


@app.get("/fit")
def fit(
    samples: int = Query(default=4_000, ge=200, le=100_000),
    trees: int = Query(default=50, ge=1, le=500),
    seed: int = Query(default=0, ge=0),
) -> dict[str, object]:
    """Real work: generate a dataset, fit a random forest, score it on a held-out split."""
    started = time.perf_counter()
    frame = generate(samples, seed)
    train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=frame["label"])
    forest = RandomForestClassifier(n_estimators=trees, max_depth=8, random_state=seed, n_jobs=1)
    forest.fit(train.drop(columns="label"), train["label"])
    accuracy = float(forest.score(test.drop(columns="label"), test["label"]))
    importances = pd.Series(forest.feature_importances_, index=frame.columns[:-1]).nlargest(3)
    return {
        "samples": samples,
        "trees": trees,
        "accuracy": round(accuracy, 4),
        "top_features": importances.round(4).to_dict(),
        "seconds": round(time.perf_counter() - started, 3),
    }


@app.get("/summary")
def summary() -> dict[str, dict]:
    """pandas work: per-label means of the startup dataset."""
    return DATASET.groupby("label").mean().round(4).to_dict(orient="index")
