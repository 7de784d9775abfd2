//! Panels of Grafana's classic dashboard JSON model, and the grid that places them: 24 columns,
//! panels left to right, a new line when the next one does not fit, a row header above each
//! section. Ids are given in placement order, so they are unique and stable.

use serde_json::{Map, Value, json};

/// The dashboard's data source: the `${datasource}` template variable.
pub fn datasource() -> Value {
    json!({ "type": "prometheus", "uid": "${datasource}" })
}

/// One query of a panel.
pub struct Query {
    pub expr: String,
    pub legend: String,
}

pub fn query(expr: impl Into<String>, legend: impl Into<String>) -> Query {
    Query {
        expr: expr.into(),
        legend: legend.into(),
    }
}

/// A threshold step: from `value` on, the colour is `color`.
pub struct Step {
    pub value: f64,
    pub color: &'static str,
}

pub fn step(value: f64, color: &'static str) -> Step {
    Step { value, color }
}

/// What a panel shows, before it is placed.
pub struct Panel {
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    pub width: u32,
    pub height: u32,
    pub unit: &'static str,
    pub queries: Vec<Query>,
    /// The colour below the first step.
    pub base: &'static str,
    pub steps: Vec<Step>,
    /// Draw the steps as lines on a time series.
    pub threshold_lines: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub stacked: bool,
    /// For a stat: show the series' name (a phase) rather than its value.
    pub show_name: bool,
}

impl Panel {
    pub fn new(kind: &'static str, title: impl Into<String>, width: u32, height: u32) -> Panel {
        Panel {
            kind,
            title: title.into(),
            description: String::new(),
            width,
            height,
            unit: "short",
            queries: Vec::new(),
            base: "green",
            steps: Vec::new(),
            threshold_lines: false,
            min: None,
            max: None,
            stacked: false,
            show_name: false,
        }
    }

    pub fn describe(mut self, text: impl Into<String>) -> Panel {
        self.description = text.into();
        self
    }

    pub fn unit(mut self, unit: &'static str) -> Panel {
        self.unit = unit;
        self
    }

    pub fn query(mut self, query: Query) -> Panel {
        self.queries.push(query);
        self
    }

    pub fn thresholds(mut self, base: &'static str, steps: Vec<Step>) -> Panel {
        self.base = base;
        self.steps = steps;
        self
    }

    pub fn threshold_lines(mut self) -> Panel {
        self.threshold_lines = true;
        self
    }

    pub fn range(mut self, min: Option<f64>, max: Option<f64>) -> Panel {
        self.min = min;
        self.max = max;
        self
    }

    pub fn stacked(mut self) -> Panel {
        self.stacked = true;
        self
    }

    pub fn show_name(mut self) -> Panel {
        self.show_name = true;
        self
    }

    fn json(&self, id: u32, x: u32, y: u32) -> Value {
        let targets: Vec<Value> = self
            .queries
            .iter()
            .zip(ref_ids())
            .map(|(q, ref_id)| {
                json!({
                    "refId": ref_id,
                    "expr": q.expr,
                    "legendFormat": q.legend,
                    "datasource": datasource(),
                })
            })
            .collect();
        let mut steps = vec![json!({ "color": self.base, "value": null })];
        steps.extend(
            self.steps
                .iter()
                .map(|s| json!({ "color": s.color, "value": s.value })),
        );
        let mut defaults = Map::new();
        defaults.insert("unit".into(), json!(self.unit));
        defaults.insert(
            "thresholds".into(),
            json!({ "mode": "absolute", "steps": steps }),
        );
        defaults.insert("color".into(), json!({ "mode": self.color_mode() }));
        if let Some(min) = self.min {
            defaults.insert("min".into(), json!(min));
        }
        if let Some(max) = self.max {
            defaults.insert("max".into(), json!(max));
        }
        if self.kind == "timeseries" {
            let lines = if self.threshold_lines { "line" } else { "off" };
            let stacking = if self.stacked { "normal" } else { "none" };
            defaults.insert(
                "custom".into(),
                json!({
                    "drawStyle": "line",
                    "fillOpacity": if self.stacked { 30 } else { 0 },
                    "stacking": { "mode": stacking, "group": "A" },
                    "thresholdsStyle": { "mode": lines },
                }),
            );
        }
        json!({
            "id": id,
            "type": self.kind,
            "title": self.title,
            "description": self.description,
            "datasource": datasource(),
            "gridPos": { "h": self.height, "w": self.width, "x": x, "y": y },
            "targets": targets,
            "fieldConfig": { "defaults": defaults, "overrides": [] },
            "options": self.options(),
        })
    }

    fn color_mode(&self) -> &'static str {
        match self.kind {
            "timeseries" if !self.threshold_lines => "palette-classic",
            _ => "thresholds",
        }
    }

    fn options(&self) -> Value {
        let reduce = json!({ "calcs": ["lastNotNull"], "fields": "", "values": false });
        match self.kind {
            "stat" => json!({
                "reduceOptions": reduce,
                "colorMode": if self.show_name { "none" } else { "value" },
                "graphMode": "none",
                "justifyMode": "auto",
                "orientation": "auto",
                "textMode": if self.show_name { "name" } else { "value" },
            }),
            "gauge" => json!({
                "reduceOptions": reduce,
                "showThresholdLabels": false,
                "showThresholdMarkers": true,
            }),
            _ => json!({
                "legend": { "displayMode": "list", "placement": "bottom", "showLegend": true },
                "tooltip": { "mode": "multi", "sort": "desc" },
            }),
        }
    }
}

/// `A`, `B`, … `Z`, `AA`, `AB`, …: Grafana's query ids.
fn ref_ids() -> impl Iterator<Item = String> {
    (0u32..).map(|mut n| {
        let mut id = Vec::new();
        loop {
            id.push(char::from(b'A' + (n % 26) as u8));
            if n < 26 {
                break;
            }
            n = n / 26 - 1;
        }
        id.iter().rev().collect()
    })
}

/// The dashboard's panels as they are placed.
#[derive(Default)]
pub struct Grid {
    panels: Vec<Value>,
    next_id: u32,
    x: u32,
    y: u32,
    /// The bottom of the tallest panel on the current line.
    line_bottom: u32,
}

pub const COLUMNS: u32 = 24;

impl Grid {
    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn new_line(&mut self) {
        if self.x > 0 {
            self.y = self.line_bottom;
            self.x = 0;
        }
    }

    /// A row header across the dashboard: what the panels below it are about.
    pub fn row(&mut self, title: impl Into<String>) {
        self.new_line();
        let id = self.id();
        self.panels.push(json!({
            "id": id,
            "type": "row",
            "title": title.into(),
            "collapsed": false,
            "gridPos": { "h": 1, "w": COLUMNS, "x": 0, "y": self.y },
            "panels": [],
        }));
        self.y += 1;
        self.line_bottom = self.y;
    }

    pub fn place(&mut self, panel: Panel) {
        let width = panel.width.clamp(1, COLUMNS);
        if self.x + width > COLUMNS {
            self.new_line();
        }
        let id = self.id();
        let mut value = panel.json(id, self.x, self.y);
        value["gridPos"]["w"] = json!(width);
        self.panels.push(value);
        self.x += width;
        self.line_bottom = self.line_bottom.max(self.y + panel.height);
    }

    pub fn into_panels(self) -> Vec<Value> {
        self.panels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_ids_count_like_spreadsheet_columns() {
        let ids: Vec<String> = ref_ids().take(28).collect();
        assert_eq!(ids[0], "A");
        assert_eq!(ids[25], "Z");
        assert_eq!(ids[26], "AA");
        assert_eq!(ids[27], "AB");
    }

    #[test]
    fn panels_wrap_at_the_grid_width() {
        let mut grid = Grid::default();
        grid.row("r");
        grid.place(Panel::new("stat", "a", 16, 4));
        grid.place(Panel::new("stat", "b", 16, 6));
        grid.place(Panel::new("stat", "c", 8, 2));
        let panels = grid.into_panels();
        let pos: Vec<(u64, u64)> = panels
            .iter()
            .map(|p| {
                (
                    p["gridPos"]["x"].as_u64().unwrap_or(99),
                    p["gridPos"]["y"].as_u64().unwrap_or(99),
                )
            })
            .collect();
        assert_eq!(pos, vec![(0, 0), (0, 1), (0, 5), (16, 5)]);
    }
}
