import { describe, expect, it } from 'vitest';
import { runVectorStoreConformance } from '../../../test/conformance/vector-store.case.js';
import { createInProcessVectorStoreConnector, vectorCollectionName } from './index.js';

runVectorStoreConformance('flat (in process)', () => createInProcessVectorStoreConnector());

describe('vectorCollectionName', () => {
  it('is a valid Qdrant and Milvus name that differs for every knowledge base, model and dimension count', () => {
    const specs = [
      { knowledgeBase: 'law', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 1024 },
      { knowledgeBase: 'law', embeddingModelId: 'openai-compatible:bge_m3', dimensions: 1024 }, // slugs alike
      { knowledgeBase: 'law', embeddingModelId: 'openai-compatible:bge-m3', dimensions: 768 },
      { knowledgeBase: '法规', embeddingModelId: 'llama-cpp:bge-m3.gguf', dimensions: 1024 }, // no ASCII in the name
      { knowledgeBase: '规章', embeddingModelId: 'llama-cpp:bge-m3.gguf', dimensions: 1024 },
      { knowledgeBase: 'a'.repeat(64), embeddingModelId: `openai-compatible:${'m'.repeat(200)}+prefix:0123456789ab`, dimensions: 4096 },
    ];
    const names = specs.map(vectorCollectionName);
    expect(new Set(names).size).toBe(specs.length);
    for (const name of names) expect(name).toMatch(/^hangjia_[a-z0-9_]{1,91}$/);
    expect(names[0]).toMatch(/^hangjia_law_openai_compatible_bge_m3_1024_[0-9a-f]{10}$/);
    expect(names[3]).toMatch(/^hangjia_x_llama_cpp_bge_m3_gguf_1024_[0-9a-f]{10}$/);
  });
});
